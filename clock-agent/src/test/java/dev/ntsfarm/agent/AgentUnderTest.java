package dev.ntsfarm.agent;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.testsupport.Chronyd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The agent daemon a test runs: on a clock kept in software ({@code -x}), its log kept, its own
 * state read under its lock as its reports are, and the chronyd it may poll. A test registers one
 * ({@code @RegisterExtension}); both are stopped after each test.
 */
final class AgentUnderTest implements AfterEachCallback {

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private AgentDaemon daemon;
    private Chronyd chronyd;

    /** The configuration {@code directives} make, as the command line's. */
    static AgentConfig config(String... directives) throws Exception {
        return config(List.of(directives));
    }

    static AgentConfig config(List<String> directives) throws Exception {
        return AgentConfig.from(((ConfigResult.Parsed) Config.fromArgs(directives)).config());
    }

    /** Starts the daemon with {@code directives}; its agent once every source runs. */
    Agent start(List<String> directives) throws Exception {
        daemon =
                new AgentDaemon(
                        config(directives),
                        true,
                        new PrintStream(log, true, StandardCharsets.UTF_8)::println);
        daemon.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return daemon.agent();
    }

    Agent start(String... directives) throws Exception {
        return start(List.of(directives));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    /**
     * chronyd as an NTS and NTP server in a directory under {@code dir}, with the {@code extra}
     * directives, stopped by {@link #stop()}.
     */
    Chronyd chronydServer(Path dir, String... extra) throws Exception {
        chronyd = Chronyd.in(dir).startServer(extra);
        return chronyd;
    }

    /**
     * Stops the daemon (drift file and NTS dumps written), then chronyd; what was not started is
     * skipped.
     */
    void stop() {
        if (daemon != null) {
            daemon.stop();
            daemon = null;
        }
        if (chronyd != null) {
            chronyd.close();
            chronyd = null;
        }
    }

    Agent agent() {
        return daemon.agent();
    }

    /** What the agent logged so far. */
    String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** Reads the first source under the agent's lock; null when there is none. */
    <T> T read(Function<NtpSource, T> f) {
        Agent agent = daemon.agent();
        synchronized (agent) {
            List<NtpSource> s = agent.ntpSources();
            return s.isEmpty() ? null : f.apply(s.getFirst());
        }
    }

    /**
     * Polls the agent's own state (or another process's) until {@code done}, up to {@code timeout}.
     */
    static void await(String what, Duration timeout, BooleanSupplier done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
