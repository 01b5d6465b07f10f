package dev.ntsfarm.agent;

import static dev.ntsfarm.agent.AgentUnderTest.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.testsupport.Chronyd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xleave} against chronyd 4.3 as the server: the agent sends interleaved requests and uses
 * chronyd's interleaved replies (their T3 is chronyd's transmit time of the previous reply), over
 * plain NTP and over NTS; chronyd's serverstats count them too.
 */
class XleaveInteropTest {

    @TempDir Path dir;
    @RegisterExtension final AgentUnderTest agent = new AgentUnderTest();

    private void checkInterleaved(Chronyd chronyd) throws Exception {
        await(
                "three interleaved replies used",
                Duration.ofSeconds(40),
                () -> agent.read(NtpSource::interleavedResponses) >= 3);
        assertTrue(
                agent.read(NtpSource::goodResponses) > agent.read(NtpSource::interleavedResponses),
                "the first replies are basic, the later ones interleaved");
        assertTrue(chronyd.serverstat("Interleaved NTP packets") >= 3, "chronyd's serverstats");
        assertFalse(agent.log().contains("No kernel"), agent.log());
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void plainNtpInterleaved() throws Exception {
        Chronyd chronyd = agent.chronydServer(dir);
        agent.start(
                "server 127.0.0.1 port "
                        + chronyd.ntpPort()
                        + " xleave iburst minpoll -2 maxpoll -2");
        checkInterleaved(chronyd);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void ntsInterleaved() throws Exception {
        Chronyd chronyd = agent.chronydServer(dir);
        agent.start(
                "server 127.0.0.1 port "
                        + chronyd.ntpPort()
                        + " ntsport "
                        + chronyd.ntsPort()
                        + " nts xleave iburst minpoll -2 maxpoll -2",
                "ntstrustedcerts " + chronyd.certificate().cert());
        checkInterleaved(chronyd);
        assertTrue(
                chronyd.serverstat("Authenticated NTP packets") >= 3, "every reply authenticated");
    }
}
