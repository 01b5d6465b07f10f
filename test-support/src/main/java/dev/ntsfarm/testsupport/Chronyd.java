package dev.ntsfarm.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * chronyd 4.3, the reference peer of every interop test (DESIGN 7), and chronyc beside it.
 *
 * <p>One instance owns one 0700 directory for its configuration, logs, pid file, dumps and command
 * socket, and every process it starts; {@link #close()} stops them all. chronyd never touches this
 * machine's clock here: a daemon runs with {@code -x}, a measurement with {@code -Q}. It runs as
 * root ({@code -u root}) so it can read the test's files, without its seccomp filter ({@code -F
 * 0}).
 *
 * <ul>
 *   <li>{@link #measureOnce}: {@code chronyd -Q}, a client that measures once and prints "System
 *       clock wrong by";
 *   <li>{@link #startDaemon}: a client (or peer) daemon with a UDP command port and a Unix socket;
 *   <li>{@link #startServer}: an NTS and NTP server with its own self-signed certificate.
 * </ul>
 */
public final class Chronyd implements AutoCloseable {

    public static final Path CHRONYD = Path.of("/usr/sbin/chronyd");
    public static final Path CHRONYC = Path.of("/usr/bin/chronyc");

    /** How long a started server may take to listen on its NTS-KE port. */
    static final Duration SERVER_START = Duration.ofSeconds(10);

    /** How long one chronyc command may take. */
    static final Duration CHRONYC_TIMEOUT = Duration.ofSeconds(10);

    /** How long a stopped daemon may take to exit before it is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** This instance's directory (0700). */
    public final Path dir;

    /** What every command runs under: nothing, or {@code ip netns exec NAMESPACE}. */
    private final List<String> prefix;

    private final List<Process> processes = new ArrayList<>();
    private Process daemon;
    private Path daemonLog;
    private int ntpPort;
    private int ntsPort;
    private TestCertificate certificate;
    private List<String> serverDirectives = List.of();

    private Chronyd(Path dir, List<String> prefix) {
        this.dir = dir;
        this.prefix = List.copyOf(prefix);
    }

    /**
     * A new chronyd harness in a fresh 0700 directory under {@code parent}. Fails the test under CI
     * when chronyd is missing, skips it otherwise ({@link Requirements#chronyd()}).
     */
    public static Chronyd in(Path parent) throws IOException {
        return in(parent, null);
    }

    /**
     * The same, with chronyd and chronyc run inside the network namespace {@code namespace} ({@code
     * ip netns exec}; null: here), where {@code 127.0.0.1} is that namespace's loopback.
     */
    public static Chronyd in(Path parent, String namespace) throws IOException {
        Requirements.chronyd();
        Path dir =
                Files.createTempDirectory(
                        parent,
                        "chronyd",
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(dir.resolve("run"));
        Files.setPosixFilePermissions(
                dir.resolve("run"), PosixFilePermissions.fromString("rwx------"));
        return new Chronyd(
                dir, namespace == null ? List.of() : List.of("ip", "netns", "exec", namespace));
    }

    /**
     * chronyd's command socket, where it answers {@code authdata}, {@code serverstats} and {@code
     * clients}.
     */
    public Path socket() {
        return dir.resolve("run/chronyd.sock");
    }

    /**
     * Runs {@code chronyd -Q -t SECONDS} with the directives (and its own pid file) and returns all
     * it printed; "System clock wrong by" in it means it got time.
     */
    public String measureOnce(int seconds, String... directives)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(directives));
        all.add("pidfile " + dir.resolve("q.pid"));
        Path log = dir.resolve("q.log");
        Process p =
                start(
                        List.of(
                                CHRONYD.toString(),
                                "-Q",
                                "-t",
                                String.valueOf(seconds),
                                "-u",
                                "root",
                                "-F",
                                "0",
                                "-f",
                                writeConfig("q.conf", all).toString()),
                        log);
        if (!p.waitFor(seconds + 10L, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        }
        return Files.readString(log);
    }

    /**
     * Starts a chronyd daemon in the foreground ({@code -x -d}) with the directives plus its own
     * pid file, drift file, command socket and a UDP command port on 127.0.0.1; returns that port.
     * Without a {@code port} directive it serves no NTP ({@code port 0} in chronyd disables the
     * server).
     */
    public int startDaemon(String... directives) throws IOException {
        int cmdport = Ports.freeUdp();
        List<String> all = new ArrayList<>(List.of(directives));
        if (all.stream().noneMatch(d -> d.startsWith("port "))) {
            all.add("port 0");
        }
        all.add("pidfile " + dir.resolve("chronyd.pid"));
        all.add("driftfile " + dir.resolve("drift"));
        all.add("bindcmdaddress " + socket());
        all.add("bindcmdaddress 127.0.0.1");
        all.add("cmdport " + cmdport);
        all.add("cmdallow 127.0.0.1");
        launch(all);
        return cmdport;
    }

    /**
     * Starts chronyd as an NTS and NTP server on loopback ({@link #ntpPort()}, {@link #ntsPort()})
     * with a self-signed certificate for 127.0.0.1 ({@link #certificate()}), {@code local stratum
     * 1}, {@code allow 127.0.0.1}, its server keys in {@code ntsdumpdir}, and the {@code extra}
     * directives; returns once it listens on its NTS-KE port.
     */
    public Chronyd startServer(String... extra) throws Exception {
        if (certificate == null) {
            ntpPort = Ports.freeUdp();
            ntsPort = Ports.freeTcp();
            certificate = TestCertificate.create(dir, "server");
        }
        serverDirectives = List.of(extra);
        List<String> conf =
                new ArrayList<>(
                        List.of(
                                "port " + ntpPort,
                                "ntsport " + ntsPort,
                                "ntsserverkey " + certificate.key(),
                                "ntsservercert " + certificate.cert(),
                                "allow 127.0.0.1",
                                "local stratum 1",
                                "ntsdumpdir " + dir.resolve("ntsdump")));
        conf.addAll(serverDirectives);
        startDaemon(conf.toArray(String[]::new));
        awaitListening(ntsPort);
        return this;
    }

    /**
     * Stops the server and starts it again on the same ports, certificate and files with {@code
     * extra}.
     */
    public Chronyd restartServer(String... extra) throws Exception {
        stopDaemon();
        return startServer(extra);
    }

    /** The server's NTP port ({@link #startServer}). */
    public int ntpPort() {
        return ntpPort;
    }

    /** The server's NTS-KE port ({@link #startServer}). */
    public int ntsPort() {
        return ntsPort;
    }

    /**
     * The server's certificate and key ({@link #startServer}): what a client names in {@code
     * ntstrustedcerts}.
     */
    public TestCertificate certificate() {
        return certificate;
    }

    /**
     * Runs chronyc with exactly these arguments; returns its standard output and error together.
     */
    public String chronyc(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(CHRONYC.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        // read before waiting: a full pipe would hold chronyc
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(CHRONYC_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chronyc " + String.join(" ", args) + " did not finish");
        }
        return out;
    }

    /**
     * chronyc over the daemon's Unix socket with numeric addresses ({@code -h SOCKET -n}), where
     * chronyd answers every report, {@code authdata}, {@code serverstats} and {@code clients}
     * included.
     */
    public String chronycLocal(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-h", socket().toString(), "-n"));
        all.addAll(List.of(args));
        return chronyc(all.toArray(String[]::new));
    }

    /**
     * One counter of chronyd's {@code serverstats}, by its label ("NTS-KE connections accepted",
     * ...).
     */
    public long serverstat(String label) throws IOException, InterruptedException {
        String report = chronycLocal("serverstats");
        for (String line : report.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(label)) {
                return Long.parseLong(line.substring(colon + 1).strip());
            }
        }
        fail("no '" + label + "' in chronyd's serverstats:\n" + report);
        return -1;
    }

    /**
     * Runs a shell command line (one printed for operators) in this directory; its whole output.
     */
    public String shell(String commandLine, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = dir.resolve("sh.log");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("sh", "-c", commandLine));
        Process p =
                new ProcessBuilder(cmd)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        processes.add(p);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return Files.readString(log);
    }

    /** What the daemon printed so far, or "" before one started. */
    public String log() throws IOException {
        return daemonLog != null && Files.exists(daemonLog) ? Files.readString(daemonLog) : "";
    }

    /** Whether the daemon is running. */
    public boolean isRunning() {
        return daemon != null && daemon.isAlive();
    }

    /** Stops the daemon (and waits for it), leaving its files for a restart. */
    public void stopDaemon() throws InterruptedException {
        if (daemon != null) {
            stop(daemon);
            daemon = null;
        }
    }

    private void launch(List<String> directives) throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("a chronyd daemon already runs in " + dir);
        }
        daemonLog = dir.resolve("chronyd.log");
        daemon =
                start(
                        List.of(
                                CHRONYD.toString(),
                                "-x",
                                "-d",
                                "-u",
                                "root",
                                "-F",
                                "0",
                                "-f",
                                writeConfig("chronyd.conf", directives).toString()),
                        daemonLog);
    }

    private void awaitListening(int tcpPort) throws Exception {
        Instant deadline = Instant.now().plus(SERVER_START);
        while (Instant.now().isBefore(deadline)) {
            if (!daemon.isAlive()) {
                fail("chronyd exited: " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", tcpPort), 200);
                return;
            } catch (IOException notYet) {
                // chronyd is still starting: wait on the process itself, which also notices an exit
                daemon.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        fail(
                "chronyd did not listen on port "
                        + tcpPort
                        + " within "
                        + SERVER_START.toSeconds()
                        + " s: "
                        + log());
    }

    private Path writeConfig(String name, List<String> directives) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", directives) + "\n");
    }

    private Process start(List<String> command, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(command);
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        processes.add(p);
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                stop(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        processes.clear();
        daemon = null;
    }
}
