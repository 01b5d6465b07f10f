package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Requirements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * chronyd 4.3 as an NTS client daemon of the farm: it reaches Reach 377, shows its NTS keys in
 * {@code authdata}, and when the farm's keys move past retention it is NAKed, does NTS-KE again by
 * itself and carries on.
 */
@Timeout(180)
class NtsClientDaemonInteropTest {

    /** {@code 127.0.0.1 NTS KeyID Type KLen Last Atmp NAK Cook CLen} (chronyc -N authdata). */
    private static final Pattern AUTHDATA =
            Pattern.compile(
                    "(?m)^127\\.0\\.0\\.1\\s+NTS\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** {@code ^* 127.0.0.1 Stratum Poll Reach ...} (chronyc -n sources). */
    private static final Pattern SOURCE =
            Pattern.compile("(?m)^\\^.\\s+127\\.0\\.0\\.1\\s+\\d+\\s+-?\\d+\\s+(\\d+)\\s");

    @TempDir Path dir;
    private Farm farm;
    private Chronyd chronyd;

    @BeforeEach
    void startFarm() throws Exception {
        Requirements.chronyd();
        Config config = LocalFarm.config(dir, "daemon");
        // no past slot: two rekeys leave every cookie chronyd holds behind retention
        farm = LocalFarm.start(dir, keys -> keys.withPastSlots(0), config);
        chronyd = Chronyd.in(dir);
    }

    @AfterEach
    void stop() {
        if (chronyd != null) {
            chronyd.close();
        }
        if (farm != null) {
            farm.close();
        }
    }

    private record AuthData(
            int keyId, int type, int keyLength, int attempts, int nak, int cookies) {}

    private AuthData authdata() throws Exception {
        String out = chronyd.chronyc("-h", chronyd.socket().toString(), "-N", "authdata");
        Matcher m = AUTHDATA.matcher(out);
        if (!m.find()) {
            return null;
        }
        return new AuthData(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)),
                Integer.parseInt(m.group(7)));
    }

    private int reach(int cmdport) throws Exception {
        Matcher m =
                SOURCE.matcher(
                        chronyd.chronyc(
                                "-n", "-h", "127.0.0.1", "-p", String.valueOf(cmdport), "sources"));
        return m.find() ? Integer.parseInt(m.group(1), 8) : -1;
    }

    @Test
    void reachesReach377ThenSurvivesKeysPastRetention() throws Exception {
        Path cert = dir.resolve("var").resolve(FarmState.CERT_FILE);
        int cmdport =
                chronyd.startDaemon(
                        "server 127.0.0.1 port "
                                + farm.ntpPort()
                                + " ntsport "
                                + farm.ntsKePort()
                                + " nts iburst minpoll -2 maxpoll -2",
                        "ntstrustedcerts " + cert);

        int reach =
                Await.until(
                        Duration.ofSeconds(60),
                        Duration.ofMillis(500),
                        () -> reach(cmdport),
                        r -> r == 0377);
        assertTrue(reach == 0377, "Reach " + Integer.toOctalString(reach) + "\n" + chronyd.log());

        AuthData first = authdata();
        assertTrue(
                first != null && first.keyId() > 0 && first.type() > 0 && first.keyLength() > 0,
                first + "\n" + chronyd.log());
        long keConnections = farm.stats().get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED);

        // the farm's keys move on twice: with no past slot kept, no cookie chronyd holds opens any
        // more
        for (int i = 0; i < 2; i++) {
            farm.keys().rekey().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        AuthData after =
                Await.until(
                        Duration.ofSeconds(60),
                        Duration.ofMillis(500),
                        this::authdata,
                        a -> a != null && a.keyId() > first.keyId());
        assertTrue(
                after != null && after.keyId() > first.keyId(),
                "no new NTS-KE after the keys moved: "
                        + first
                        + " -> "
                        + after
                        + "\n"
                        + chronyd.log());
        assertTrue(farm.stats().get(ServerCounter.NTS_NAKS_SENT) > 0, farm.stats().toString());
        assertTrue(
                farm.stats().get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED) > keConnections,
                farm.stats().toString());

        System.out.println(
                "authdata before the keys moved "
                        + first
                        + ", after "
                        + after
                        + "; "
                        + farm.stats());
        // and carries on: authenticated answers keep coming under the new keys
        long authenticated = farm.stats().get(ServerCounter.AUTHENTICATED_NTP_PACKETS);
        long later =
                Await.until(
                        Duration.ofSeconds(30),
                        Duration.ofMillis(250),
                        () -> farm.stats().get(ServerCounter.AUTHENTICATED_NTP_PACKETS),
                        n -> n >= authenticated + 4);
        assertTrue(later >= authenticated + 4, farm.stats().toString());
        int reachAfter =
                Await.until(
                        Duration.ofSeconds(30),
                        Duration.ofMillis(500),
                        () -> reach(cmdport),
                        r -> (r & 0xF) == 0xF);
        assertTrue(
                (reachAfter & 0xF) == 0xF,
                "Reach " + Integer.toOctalString(reachAfter) + "\n" + chronyd.log());
    }
}
