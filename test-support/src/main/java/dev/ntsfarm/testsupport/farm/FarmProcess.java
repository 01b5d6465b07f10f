package dev.ntsfarm.testsupport.farm;

import dev.ntsfarm.testsupport.Await;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One ntsfarm service in a JVM of its own ({@code Main SUBCOMMAND DIRECTIVE...} on this test's
 * class path, with the flags JDK 25 needs for Hazelcast and netty), optionally inside a network
 * namespace or with extra environment (a clock moved by faketime). It can be killed ({@code
 * SIGKILL}), stopped ({@code SIGTERM}, as an operator would) and started again with the same
 * command; every start appends to one log file.
 */
public final class FarmProcess implements AutoCloseable {

    /** The class every farm process runs. */
    public static final String MAIN = "dev.ntsfarm.app.Main";

    /** How long a service may take to say it is running (Hazelcast alone takes seconds). */
    public static final Duration START = Duration.ofSeconds(90);

    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final String name;

    /** The command line, directives last; fixed once started. */
    private final List<String> command;

    private final Map<String, String> environment;
    private final Path dir;
    private final Path log;
    private Process process;
    private int starts;

    FarmProcess(
            String name,
            Path dir,
            String namespace,
            Map<String, String> environment,
            String subcommand,
            List<String> directives) {
        this.name = name;
        this.dir = dir;
        this.log = dir.resolve(name + ".log");
        this.environment = Map.copyOf(environment);
        List<String> cmd = new ArrayList<>();
        if (namespace != null) {
            cmd.addAll(List.of("ip", "netns", "exec", namespace));
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-")
                    || a.startsWith("--enable-native-access")
                    || a.startsWith("--sun-misc")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(MAIN);
        cmd.add(subcommand);
        cmd.addAll(directives);
        this.command = cmd;
    }

    /**
     * {@code ntsfarm SUBCOMMAND ARGS...} on this host, not started yet; its output goes to {@code
     * dir/NAME.log}.
     */
    public static FarmProcess of(
            String name,
            Path dir,
            Map<String, String> environment,
            String subcommand,
            String... args) {
        return new FarmProcess(name, dir, null, environment, subcommand, List.of(args));
    }

    /** Adds a directive to the command line; only before the first start. */
    void addDirective(String directive) {
        if (starts > 0) {
            throw new IllegalStateException(name + " started already with its directives");
        }
        command.add(directive);
    }

    /** The operating system's id of the running process. */
    public long pid() {
        return process.pid();
    }

    /** Sends {@code signal} ({@code HUP}, {@code TERM}, ...) and returns at once. */
    public void signal(String signal) throws IOException, InterruptedException {
        Process kill =
                new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                        .inheritIO()
                        .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** The file the output goes to. */
    public Path logFile() {
        return log;
    }

    /** Starts the process (again); returns at once. */
    public FarmProcess start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " runs already");
        }
        Files.writeString(
                log,
                "---- start " + (++starts) + "\n",
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder b =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().putAll(environment);
        process = b.start();
        return this;
    }

    /**
     * Waits until this start printed that it runs; fails with its log when it stopped or never did.
     */
    public FarmProcess awaitRunning() throws Exception {
        String text =
                Await.until(
                        START,
                        Duration.ofMillis(200),
                        this::thisStartsLog,
                        t -> t.contains(": running") || !process.isAlive());
        if (!text.contains(": running")) {
            throw new AssertionError(name + " did not start:\n" + text);
        }
        return this;
    }

    /**
     * Waits for the process to exit by itself and returns its status; fails when it goes on
     * running.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still runs after " + timeout.toSeconds() + " s");
        }
        return process.exitValue();
    }

    /** What this process printed since its last start. */
    public String thisStartsLog() throws IOException {
        String all = log();
        int at = all.lastIndexOf("---- start " + starts + "\n");
        return at < 0 ? all : all.substring(at);
    }

    /** Everything it printed over all its starts. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String name() {
        return name;
    }

    /** {@code SIGKILL}: the process dies where it stands, dumping and saying goodbye to nothing. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** {@code SIGTERM} and a wait for the clean stop (killed when it takes too long). */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    @Override
    public String toString() {
        return "FarmProcess[" + name + (isAlive() ? ", running" : "") + "]";
    }
}
