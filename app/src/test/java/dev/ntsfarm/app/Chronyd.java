package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * chronyd 4.3 as the reference client (DESIGN 7): every run in its own 0700 directory, never touching
 * the clock ({@code -x} or {@code -Q}), unprivileged of it, killed by {@link #close()}.
 */
final class Chronyd implements AutoCloseable {

    static final Path CHRONYD = Path.of("/usr/sbin/chronyd");
    static final Path CHRONYC = Path.of("/usr/bin/chronyc");

    final Path dir;
    private final List<Process> processes = new ArrayList<>();

    Chronyd(Path parent) throws IOException {
        this.dir = Files.createTempDirectory(parent, "chronyd",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Fails under CI when chronyd is missing, skips otherwise. */
    static void requireChronyd() {
        boolean present = Files.isExecutable(CHRONYD) && Files.isExecutable(CHRONYC);
        if (!present && System.getenv("CI") != null) {
            fail("chronyd/chronyc 4.3 are needed (Debian package chrony) and CI is set");
        }
        Assumptions.assumeTrue(present, "chronyd is not installed");
    }

    Path socket() {
        return dir.resolve("chronyd.sock");
    }

    /** Runs {@code chronyd -Q -t SECONDS} with the given directives; returns its whole output. */
    String measureOnce(int seconds, String... directives) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHRONYD.toString(), "-Q", "-t", String.valueOf(seconds),
                "-u", "root", "-F", "0", "-f", writeConfig("q.conf", directives).toString()));
        Process p = start(cmd, dir.resolve("q.log"));
        if (!p.waitFor(seconds + 10L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return Files.readString(dir.resolve("q.log"));
    }

    /**
     * Starts chronyd as a daemon in the foreground ({@code -x -d}) with the directives plus its own
     * pid file, drift file, command socket and {@code cmdport}; returns the command port.
     */
    int startDaemon(String... directives) throws IOException {
        int cmdport = freeUdpPort();
        List<String> all = new ArrayList<>(List.of(directives));
        all.add("pidfile " + dir.resolve("chronyd.pid"));
        all.add("driftfile " + dir.resolve("drift"));
        all.add("bindcmdaddress " + socket());
        all.add("bindcmdaddress 127.0.0.1");
        all.add("cmdport " + cmdport);
        all.add("cmdallow 127.0.0.1");
        all.add("port 0");
        start(List.of(CHRONYD.toString(), "-x", "-d", "-u", "root", "-F", "0",
                "-f", writeConfig("d.conf", all.toArray(String[]::new)).toString()), dir.resolve("d.log"));
        return cmdport;
    }

    String daemonLog() throws IOException {
        Path log = dir.resolve("d.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Runs a shell command line (a command printed for operators) in this directory; its whole output. */
    String shell(String commandLine, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = dir.resolve("sh.log");
        Process p = new ProcessBuilder("sh", "-c", commandLine).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return Files.readString(log);
    }

    /** Runs chronyc with the arguments; its standard output and error together. */
    String chronyc(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(CHRONYC.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** Polls {@code what} until {@code done} holds or the deadline passes; returns the last value. */
    static <T> T poll(Duration timeout, Duration every, ThrowingSupplier<T> what, Predicate<T> done) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        T v = what.get();
        while (!done.test(v) && Instant.now().isBefore(deadline)) {
            // waiting on an outside process: nothing to wait on but time
            Thread.sleep(every.toMillis());
            v = what.get();
        }
        return v;
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private Path writeConfig(String name, String... directives) throws IOException {
        Path conf = dir.resolve(name);
        Files.writeString(conf, String.join("\n", directives) + "\n");
        return conf;
    }

    private Process start(List<String> cmd, Path log) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port free for both UDP and TCP on loopback, picked right before use. */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freeUdpPort();
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port on loopback");
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
