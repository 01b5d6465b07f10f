package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.ntsfarm.core.nts.NtsClientResponse;
import dev.ntsfarm.farm.keys.FarmKeyOptions;
import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.Requirements;
import dev.ntsfarm.testsupport.farm.Faketime;
import dev.ntsfarm.testsupport.farm.FarmProcess;
import dev.ntsfarm.testsupport.farm.Nginx;
import dev.ntsfarm.testsupport.farm.ProcessFarm;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed farm as processes (DESIGN 7): two NTS-KE members (Hazelcast members, each in its
 * JVM), two NTP responders (Hazelcast clients, each in its JVM) and nginx in front, the members
 * advertising nginx's NTP port through {@code ntsntpserver}/{@code ntsntpport}. One continuous
 * chronyd 4.3 client polls through nginx every half second from start to end; the scenarios run in
 * order on the same farm, each leaving it whole for the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class FarmBehindNginxTest {

    @TempDir static Path dir;
    private ProcessFarm farm;
    private Nginx nginx;
    private FarmClient client;

    @BeforeAll
    void startFarm() throws Exception {
        Requirements.chronyd();
        farm = ProcessFarm.on(dir.resolve("farm"));
        farm.keMember("ke-1");
        farm.keMember("ke-2");
        farm.ntpResponder("ntp-1");
        farm.ntpResponder("ntp-2");
        nginx = farm.balancer(null);
        farm.startAll();
        nginx.start();
        client =
                FarmClient.start(
                        dir,
                        "127.0.0.1",
                        farm.balancerNtpPort(),
                        farm.balancerKePort(),
                        farm.certificate().cert());
        client.awaitReach377(Duration.ofSeconds(40));
    }

    @AfterAll
    void stopFarm() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (farm != null) {
            farm.close();
        }
    }

    private void assertOpensEverywhere(NtsTestClient.Session session, String what)
            throws IOException {
        for (int i = 0; i < farm.responders().size(); i++) {
            ProcessFarm.Responder r = farm.responders().get(i);
            byte[] cookie = session.cookies().get(i % session.cookies().size());
            NtsClientResponse.Result result = NtsTestClient.query(r.port(), session, cookie);
            assertInstanceOf(
                    NtsClientResponse.Result.Verified.class,
                    result,
                    what + " at " + r.process().name() + ": " + result);
        }
    }

    @Test
    @Order(1)
    void everyResponderOpensCookiesOfEveryMemberAndChronydThroughNginxGetsTime() throws Exception {
        for (ProcessFarm.Member m : farm.members()) {
            NtsTestClient.Session session =
                    NtsTestClient.establish(m.kePort(), farm.certificate().cert());
            assertEquals(8, session.cookies().size());
            assertOpensEverywhere(session, "a cookie of " + m.process().name());
        }
        try (Chronyd once = Chronyd.in(dir)) {
            String out =
                    once.measureOnce(
                            15,
                            "server 127.0.0.1 port "
                                    + farm.balancerNtpPort()
                                    + " ntsport "
                                    + farm.balancerKePort()
                                    + " iburst nts maxsamples 1",
                            "ntstrustedcerts " + farm.certificate().cert());
            assertTrue(out.contains("System clock wrong by"), out);
        }
        assertTrue(
                client.keyId() > 0,
                "the continuous client uses NTS: " + String.join(" ", client.authdata()));
    }

    @Test
    @Order(2)
    void reachStays377WhileAResponderIsKilledAndRestarted() throws Exception {
        client.awaitReach377(Duration.ofSeconds(20));
        ProcessFarm.Responder victim = farm.responder("ntp-1");
        client.afterNextPoll();
        victim.process().kill();
        FarmClient.otherClients("127.0.0.1", farm.balancerNtpPort(), 4);
        String log =
                Await.until(
                        Duration.ofSeconds(5),
                        Duration.ofMillis(50),
                        nginx::errorLog,
                        l -> l.contains("upstream server temporarily disabled"));
        assertTrue(
                log.contains("127.0.0.1:" + victim.port()),
                "nginx left out the dead responder:\n" + log);
        client.assertReach377Throughout(
                Duration.ofSeconds(5), "with " + victim.process().name() + " dead");

        victim.process().start().awaitRunning();
        client.assertReach377Throughout(
                Duration.ofSeconds(3), "after " + victim.process().name() + " came back");
        NtsTestClient.Session session =
                NtsTestClient.establish(farm.balancerKePort(), farm.certificate().cert());
        assertOpensEverywhere(session, "after the restart, a cookie through nginx");
        assertEquals(0, client.naks(), String.join(" ", client.authdata()));
    }

    @Test
    @Order(3)
    void reachStays377WhileAKeMemberIsKilledAndTheOtherMintsForEveryone() throws Exception {
        ProcessFarm.Member victim = farm.member("ke-1");
        NtsTestClient.Session ofTheDead =
                NtsTestClient.establish(victim.kePort(), farm.certificate().cert());
        victim.process().kill();
        client.assertReach377Throughout(
                Duration.ofSeconds(5), "with " + victim.process().name() + " dead");

        // nginx passes a refused connection on to the other member
        for (int i = 0; i < 3; i++) {
            assertOpensEverywhere(
                    NtsTestClient.establish(farm.balancerKePort(), farm.certificate().cert()),
                    "a cookie minted with ke-1 dead");
        }
        assertOpensEverywhere(ofTheDead, "a cookie of the dead member");
        victim.process().start().awaitRunning();
        assertOpensEverywhere(
                NtsTestClient.establish(victim.kePort(), farm.certificate().cert()), "ke-1 back");
        assertEquals(0, client.naks(), String.join(" ", client.authdata()));
    }

    private HazelcastInstance peer() {
        return peer(farm);
    }

    /**
     * A plain Hazelcast client of {@code farm}, as anyone who reaches a member's cluster port can
     * start.
     */
    static HazelcastInstance peer(ProcessFarm farm) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(farm.clusterName());
        farm.clusterAddresses().forEach(config.getNetworkConfig()::addAddress);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        return HazelcastClient.newHazelcastClient(config);
    }

    private static Set<Object> keys(HazelcastInstance peer, String map) {
        return new TreeSet<>(peer.getMap(map).keySet().stream().map(String::valueOf).toList());
    }

    /** The key id (slot) a cookie was sealed under: its first four bytes. */
    private static long slotOf(byte[] cookie) {
        return ByteBuffer.wrap(cookie, 0, 4).getInt() & 0xffffffffL;
    }

    @Test
    @Order(4)
    void aMemberWhoseClockIsTenPeriodsAheadPrunesNothingCreatesNothingAndMintsUnderTheFarmsSlot()
            throws Exception {
        long rotate = FarmKeyOptions.DEFAULT_ROTATE_SECONDS;
        Duration ahead = Duration.ofSeconds(10 * rotate);
        HazelcastInstance peer = peer();
        try {
            Set<Object> before = keys(peer, "ntsfarm.seeds");
            long farmSlot =
                    slotOf(
                            NtsTestClient.establish(
                                            farm.balancerKePort(), farm.certificate().cert())
                                    .cookies()
                                    .getFirst());
            long hostSlot = Instant.now().getEpochSecond() / rotate;
            ProcessFarm.Member far = farm.keMember("ke-far", Faketime.ahead(ahead));
            Instant started = Instant.now();
            far.process().start().awaitRunning();

            // its wall clock really is ten periods ahead: it stamps its log lines with it
            String log = far.process().thisStartsLog();
            Matcher stamp = Pattern.compile("(?m)^(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z) ").matcher(log);
            assertTrue(stamp.find(), log);
            Duration skew = Duration.between(started, Instant.parse(stamp.group(1)));
            assertTrue(
                    skew.compareTo(ahead.minusMinutes(1)) > 0
                            && skew.compareTo(ahead.plusMinutes(1)) < 0,
                    "the member's clock is " + skew + " ahead:\n" + log);
            assertTrue(
                    log.contains(
                            "this clock says slot "
                                    + (hostSlot + 10)
                                    + " but the farm is at slot "
                                    + farmSlot
                                    + ": following the farm, creating and pruning nothing"),
                    log);

            NtsTestClient.Session ofTheFar =
                    NtsTestClient.establish(far.kePort(), farm.certificate().cert());
            for (byte[] cookie : ofTheFar.cookies()) {
                assertEquals(
                        farmSlot, slotOf(cookie), "minted under the farm's slot, not its clock's");
            }
            assertOpensEverywhere(ofTheFar, "a cookie of the member ten periods ahead");
            // its start and the rebuild its own presence entry set off have run: the seeds are as
            // they were
            client.assertReach377Throughout(
                    Duration.ofSeconds(3), "with a member ten periods ahead");
            assertEquals(
                    before, keys(peer, "ntsfarm.seeds"), "nothing pruned, nothing created ahead");
            assertEquals(
                    farmSlot,
                    slotOf(
                            NtsTestClient.establish(
                                            farm.balancerKePort(), farm.certificate().cert())
                                    .cookies()
                                    .getFirst()),
                    "the other members go on under the farm's slot");
            assertFalse(
                    far.process().log().contains("ignoring a damaged farm entry"),
                    far.process().log());
        } finally {
            peer.shutdown();
            farm.retire("ke-far");
        }
        assertEquals(0, client.naks(), String.join(" ", client.authdata()));
    }

    @Test
    @Order(5)
    void ntsKeWithAMissingOrMismatchedFarmSecretExitsWithAClearErrorAndMintsNothing()
            throws Exception {
        Path other = ProcessFarm.writeSecret(dir.resolve("other.secret"));
        String[][] cases = {
            {"ke-nosecret", dir.resolve("no-such.secret").toString(), "no such file"},
            {"ke-othersecret", other.toString(), "not this farm's secret"},
        };
        for (String[] c : cases) {
            int kePort = Ports.freeTcp();
            FarmProcess p =
                    farm.process(
                            c[0],
                            "nts-ke",
                            "ntsport " + kePort,
                            "ntsserverkey " + farm.certificate().key(),
                            "ntsservercert " + farm.certificate().cert(),
                            "farmsecret " + c[1],
                            "cluster name " + farm.clusterName(),
                            "cluster bind 127.0.0.1:" + Ports.freeTcp(),
                            "cluster member " + farm.clusterAddresses().getFirst(),
                            "ntsdumpdir " + dir.resolve(c[0] + "-var"));
            p.start();
            assertEquals(1, p.awaitExit(Duration.ofSeconds(60)), p.log());
            String log = p.log();
            assertTrue(log.contains("ntsfarm nts-ke: ") && log.contains(c[2]), log);
            assertFalse(log.contains(": running"), log);
            assertFalse(log.contains("\tat "), "no stack trace:\n" + log);
            assertFalse(accepts(kePort), c[0] + " never listened for NTS-KE");
            assertFalse(
                    Files.exists(dir.resolve(c[0] + "-var").resolve("ntsfarm-seeds")),
                    "no seed dumped");
        }
        assertFalse(
                Files.exists(dir.resolve("no-such.secret")), "nts-ke made no secret of its own");
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A Java-serializable object a peer might store: the farm must never build one from bytes. */
    record Gadget(String text) implements Serializable {}

    @Test
    @Order(6)
    void aPlainClientThatJunksForgesAndClearsEveryMapCostsNoClientItsCookies() throws Exception {
        HazelcastInstance peer = peer();
        List<String> names =
                List.of(
                        "ntsfarm.seeds",
                        "ntsfarm.seeds.pointer",
                        "ntsfarm.farm",
                        "ntsfarm.members");
        try {
            NtsTestClient.Session beforeJunk =
                    NtsTestClient.establish(farm.balancerKePort(), farm.certificate().cert());
            for (String name : names) {
                IMap<Object, Object> m = peer.getMap(name);
                for (Object k : m.keySet()) {
                    m.put(k, "junk");
                }
                m.put("bogus", new Gadget("bogus"));
                m.put(1L, new byte[5]);
            }
            afterAttack("junk", peer, beforeJunk);

            NtsTestClient.Session beforeForgery =
                    NtsTestClient.establish(farm.balancerKePort(), farm.certificate().cert());
            IMap<Object, Object> seeds = peer.getMap("ntsfarm.seeds");
            for (Object k : seeds.keySet()) {
                seeds.put(k, forgedSeedEntry((Long) k));
            }
            afterAttack("forged seeds", peer, beforeForgery);
            assertOpensEverywhere(beforeJunk, "a cookie minted before the junk, after the forgery");

            NtsTestClient.Session beforeClear =
                    NtsTestClient.establish(farm.balancerKePort(), farm.certificate().cert());
            names.forEach(n -> peer.getMap(n).clear());
            afterAttack("cleared maps", peer, beforeClear);
            assertOpensEverywhere(
                    beforeForgery, "a cookie minted before the forgery, after the clear");
        } finally {
            peer.shutdown();
        }
        // the member that looks first puts things back; the other may find them whole already
        assertTrue(
                farm.members().stream()
                        .anyMatch(m -> logOf(m).contains("ignoring a damaged farm entry")));
        assertTrue(
                farm.members().stream()
                        .anyMatch(m -> logOf(m).contains("put back the seed of slot")));
    }

    private static String logOf(ProcessFarm.Member m) {
        try {
            return m.process().log();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A well-formed seed entry (type, version, slot, length, seed, MAC) whose MAC is the forger's
     * guess.
     */
    private static byte[] forgedSeedEntry(long slot) {
        byte[] seed = new byte[32];
        byte[] mac = new byte[32];
        new SecureRandom().nextBytes(seed);
        new SecureRandom().nextBytes(mac);
        return ByteBuffer.allocate(7 + 32 + 32)
                .put((byte) 'S')
                .put((byte) 1)
                .putInt((int) slot)
                .put((byte) 32)
                .put(seed)
                .put(mac)
                .array();
    }

    /**
     * After an attack: the members put the seeds back, and every cookie from before and after
     * opens.
     */
    private void afterAttack(String attack, HazelcastInstance peer, NtsTestClient.Session before)
            throws Exception {
        Set<Object> seeds =
                Await.until(
                        Duration.ofSeconds(20),
                        Duration.ofMillis(200),
                        () -> keys(peer, "ntsfarm.seeds"),
                        k -> k.size() >= 2 && !k.contains("bogus") && !k.contains("1"));
        assertTrue(seeds.size() >= 2 && !seeds.contains("bogus"), attack + ": seeds " + seeds);
        assertOpensEverywhere(before, "a cookie minted before the " + attack);
        assertOpensEverywhere(
                NtsTestClient.establish(farm.balancerKePort(), farm.certificate().cert()),
                "a cookie minted after the " + attack);
        client.assertReach377Throughout(Duration.ofSeconds(2), "after the " + attack);
    }

    @Test
    @Order(7)
    void afterTheWholeFarmStopsAndStartsAgainOldCookiesOpenAndTheStartIsClean() throws Exception {
        NtsTestClient.Session before =
                NtsTestClient.establish(farm.balancerKePort(), farm.certificate().cert());
        long keyId = client.keyId();
        // chronyd spends a cookie on every request it sends: offline, it keeps them through the
        // outage
        client.chronyd.chronycLocal("offline");
        farm.stopAll();
        farm.startAll();
        assertOpensEverywhere(before, "a cookie minted before the restart");
        client.chronyd.chronycLocal("online");
        client.awaitReach377(Duration.ofSeconds(40));
        assertEquals(
                keyId, client.keyId(), "chronyd went on with the cookies it held: no new NTS-KE");
        assertEquals(0, client.naks(), String.join(" ", client.authdata()));
        List<String> unclean = new ArrayList<>();
        for (ProcessFarm.Member m : farm.members()) {
            if (m.process().thisStartsLog().contains("damaged")) {
                unclean.add(m.process().thisStartsLog());
            }
        }
        assertTrue(unclean.isEmpty(), "a clean start:\n" + unclean);
    }
}
