package dev.ntsfarm.agent;

import static dev.ntsfarm.agent.NtsNakInteropTest.await;
import static dev.ntsfarm.agent.NtsNakInteropTest.config;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.testsupport.Chronyd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xleave} against chronyd 4.3 as the server: the agent sends interleaved requests and uses
 * chronyd's interleaved replies (their T3 is chronyd's transmit time of the previous reply), over
 * plain NTP and over NTS; chronyd's serverstats count them too.
 */
class XleaveInteropTest {

    @TempDir
    Path dir;
    private Chronyd chronyd;
    private AgentDaemon daemon;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void stopAll() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
        if (chronyd != null) {
            chronyd.close();
        }
    }

    private NtpSource start(String... directives) throws Exception {
        daemon = new AgentDaemon(config(directives), true, new PrintStream(log, true, StandardCharsets.UTF_8)::println);
        daemon.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return daemon.agent().ntpSources().getFirst();
    }

    private long read(ToLongFunction<NtpSource> counter, NtpSource source) {
        synchronized (daemon.agent()) {
            return counter.applyAsLong(source);
        }
    }

    private void checkInterleaved(NtpSource source) throws Exception {
        await("three interleaved replies used", Duration.ofSeconds(40),
                () -> read(NtpSource::interleavedResponses, source) >= 3);
        assertTrue(read(NtpSource::goodResponses, source) > read(NtpSource::interleavedResponses, source),
                "the first replies are basic, the later ones interleaved");
        assertTrue(chronyd.serverstat("Interleaved NTP packets") >= 3, () -> "chronyd's serverstats");
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("No kernel"), log::toString);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void plainNtpInterleaved() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        checkInterleaved(start("server 127.0.0.1 port " + chronyd.ntpPort() + " xleave iburst minpoll -2 maxpoll -2"));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void ntsInterleaved() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        checkInterleaved(start("server 127.0.0.1 port " + chronyd.ntpPort() + " ntsport " + chronyd.ntsPort()
                        + " nts xleave iburst minpoll -2 maxpoll -2",
                "ntstrustedcerts " + chronyd.certificate().cert()));
        assertTrue(chronyd.serverstat("Authenticated NTP packets") >= 3, "every reply authenticated");
    }
}
