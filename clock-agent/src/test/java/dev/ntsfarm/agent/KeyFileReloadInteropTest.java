package dev.ntsfarm.agent;

import static dev.ntsfarm.agent.AgentUnderTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.testsupport.Chronyd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The key file read again (SIGHUP) against chronyd as a symmetric-key server. */
class KeyFileReloadInteropTest {

    static final String CHRONYD_KEY = "1 SHA1 HEX:0123456789ABCDEF0123456789ABCDEF01234567\n";

    @TempDir Path dir;
    @RegisterExtension final AgentUnderTest agent = new AgentUnderTest();

    private String reload(Agent a) throws Exception {
        return a.reloadKeyFile()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aReloadedKeyFileReplacesTheKeyInUseAndABrokenOneChangesNothing() throws Exception {
        Path chronyKeys = Files.writeString(dir.resolve("chrony.keys"), CHRONYD_KEY);
        Chronyd chronyd = agent.chronydServer(dir, "keyfile " + chronyKeys);
        Path keys =
                Files.writeString(
                        dir.resolve("agent.keys"),
                        "1 SHA1 HEX:1123456789ABCDEF0123456789ABCDEF01234567\n");
        Agent a =
                agent.start(
                        "server 127.0.0.1 port "
                                + chronyd.ntpPort()
                                + " key 1 iburst minpoll -2 maxpoll -2",
                        "keyfile " + keys);
        await(
                "four polls under the wrong key",
                Duration.ofSeconds(30),
                () -> agent.read(NtpSource::requestsSent) >= 4);
        assertEquals(
                0L, agent.read(NtpSource::goodResponses), "a reply under the wrong key was used");

        Files.writeString(keys, "1 SHA1 HEX:not-hex\n");
        String refused = reload(a);
        assertTrue(refused.contains("not reloaded, the keys in use stay"), refused);

        Files.writeString(keys, CHRONYD_KEY + "2 SHA256 ASCII:another\n");
        String done = reload(a);
        assertTrue(done.endsWith("reloaded: 2 keys, 1 sources use them"), done);
        await(
                "a good reply under the new key",
                Duration.ofSeconds(30),
                () -> agent.read(NtpSource::goodResponses) > 0);

        Files.delete(keys);
        String unread = reload(a);
        assertTrue(unread.contains("not reloaded: cannot read it"), unread);
        long good = agent.read(NtpSource::goodResponses);
        await(
                "polls going on under the key in use",
                Duration.ofSeconds(30),
                () -> agent.read(NtpSource::goodResponses) > good);
    }
}
