package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.farm.FarmProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ntsfarm agent} reads its key file again on SIGHUP and goes on running; SIGTERM ends it
 * with status 0.
 */
class AgentSighupTest {

    @TempDir Path dir;
    private FarmProcess agent;

    @AfterEach
    void kill() throws Exception {
        if (agent != null) {
            agent.kill();
        }
    }

    @Test
    @Timeout(120)
    void sighupReadsTheKeyFileAgainAndSigtermExitsCleanly() throws Exception {
        Path keys =
                Files.writeString(
                        dir.resolve("agent.keys"),
                        "1 SHA1 HEX:0123456789ABCDEF0123456789ABCDEF01234567\n");
        agent =
                FarmProcess.of(
                                "agent",
                                dir,
                                Map.of(),
                                "agent",
                                "-x",
                                "keyfile " + keys,
                                "cmdport 0",
                                "metricsport 0",
                                "ntsdumpdir " + dir.resolve("var"))
                        .start();
        Await.until(
                FarmProcess.START,
                Duration.ofMillis(200),
                agent::log,
                t -> t.contains("Disabled control of system clock") || !agent.isAlive());
        assertTrue(agent.isAlive(), agent.log());

        // a second key, and the command key the endpoint made stays in the file
        Files.writeString(keys, Files.readString(keys) + "2 SHA256 ASCII:another\n");
        int keysNow =
                (int)
                        Files.readString(keys)
                                .lines()
                                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                                .count();
        agent.signal("HUP");
        String log =
                Await.until(
                        Duration.ofSeconds(30),
                        Duration.ofMillis(100),
                        agent::log,
                        t -> t.contains("SIGHUP: key file") || !agent.isAlive());
        assertTrue(
                log.contains(
                        "SIGHUP: key file "
                                + keys
                                + " reloaded: "
                                + keysNow
                                + " keys, 0 sources use them"),
                log);
        assertTrue(agent.isAlive(), "SIGHUP never stops the agent");
        agent.signal("TERM");
        assertEquals(
                0,
                agent.awaitExit(Duration.ofSeconds(30)),
                "SIGTERM ends the agent as chronyd: status 0\n" + agent.log());
        agent = null;
    }
}
