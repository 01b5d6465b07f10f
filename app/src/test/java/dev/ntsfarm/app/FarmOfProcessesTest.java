package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.ntsfarm.app.control.FarmBoard;
import dev.ntsfarm.control.CommandKeys;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.farm.keys.FarmEntries;
import dev.ntsfarm.farm.keys.FarmSecretFile;
import dev.ntsfarm.proto.control.v1.FarmControlGrpcService;
import dev.ntsfarm.proto.control.v1.RekeyReply;
import dev.ntsfarm.proto.control.v1.RekeyRequest;
import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.Requirements;
import dev.ntsfarm.testsupport.farm.ProcessFarm;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm control plane over a farm of two key-holding members in two JVMs (cookies across
 * processes and the farm's failures are FarmBehindNginxTest's): serverstats at either member shows
 * each and the sum, gathered through the cluster's board, which no peer on the cluster port can
 * forge; members and keys, as tables and CSV; rekey only with the command key, a refused one
 * changing nothing on either member.
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FarmOfProcessesTest {

    @TempDir static Path dir;
    private ProcessFarm farm;
    private ProcessFarm.Member a;
    private ProcessFarm.Member b;
    private int cmdA;
    private int cmdB;
    private Path confA;
    private Path keysA;
    private Path socketA;
    private final ControlCalls calls = new ControlCalls();

    @BeforeAll
    void startFarm() throws Exception {
        farm = ProcessFarm.on(dir.resolve("farm"));
        cmdA = Ports.freeTcp();
        cmdB = Ports.freeTcp();
        keysA = dir.resolve("a.keys");
        socketA = dir.resolve("run").resolve("a.sock");
        // what ntsctl -a -f reads: where member a keeps its command key
        confA = Files.writeString(dir.resolve("a.conf"), "keyfile " + keysA + "\ncommandkey 1\n");
        a =
                farm.keMember(
                        "ke-a", "cmdport " + cmdA, "keyfile " + keysA, "bindcmdaddress " + socketA);
        b = farm.keMember("ke-b", "cmdport " + cmdB);
        farm.startAll();
    }

    @AfterAll
    void stopFarm() throws Exception {
        calls.close();
        if (farm != null) {
            farm.close();
        }
    }

    private String name(ProcessFarm.Member m) {
        return m.address() + ":" + m.clusterPort();
    }

    private static ControlCalls.Ctl ctl(String... args) {
        return ControlCalls.ntsctl("", args);
    }

    private static long counter(String block, String label) {
        return block.lines()
                .filter(l -> l.startsWith(label))
                .mapToLong(l -> Long.parseLong(l.substring(29).strip()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in\n" + block));
    }

    /** serverstats at member a, once both members are on the board. */
    private String farmServerStats() throws Exception {
        ControlCalls.Ctl r =
                Await.until(
                        Duration.ofSeconds(60),
                        Duration.ofMillis(250),
                        () -> ctl("-p", Integer.toString(cmdA), "serverstats"),
                        c -> c.out().contains("Farm total (2 processes"));
        assertEquals(0, r.status(), r.toString());
        return r.out();
    }

    @Test
    void serverstatsShowsEachMemberAndTheSum() throws Exception {
        String stats = farmServerStats();
        int atA = stats.indexOf("Member " + name(a) + " (this process)");
        int atB = stats.indexOf("Member " + name(b) + ", counters");
        int atTotal = stats.indexOf("Farm total (2 processes):");
        assertTrue(atA >= 0 && atB >= 0 && atTotal > Math.max(atA, atB), stats);
        String blockA = stats.substring(atA, atA < atB ? atB : atTotal);
        String blockB = stats.substring(atB, atB < atA ? atA : atTotal);
        String total = stats.substring(atTotal);
        for (String label :
                List.of(
                        "Command packets received",
                        "NTS-KE connections accepted",
                        "NTP packets received")) {
            assertEquals(
                    counter(total, label),
                    counter(blockA, label) + counter(blockB, label),
                    label + " is not the sum:\n" + stats);
        }
        assertTrue(counter(blockA, "Command packets received") >= 1, stats);
    }

    @Test
    void membersAndKeysAsTablesAndCsv() throws Exception {
        farmServerStats(); // both on the board
        ControlCalls.Ctl members = ctl("-p", Integer.toString(cmdB), "members");
        assertEquals(0, members.status(), members.toString());
        assertTrue(
                members.out().startsWith("Name/IP address              Role    Age  Services\n"),
                members.out());
        assertTrue(
                members.out().contains("\n" + name(b) + " ")
                        && members.out().contains("(this process)")
                        && members.out().contains("\n" + name(a) + " "),
                members.out());

        ControlCalls.Ctl csv = ctl("-c", "-p", Integer.toString(cmdB), "members");
        assertEquals(0, csv.status(), csv.toString());
        List<String> rows = csv.out().lines().sorted().toList();
        assertEquals(2, rows.size(), csv.out());
        for (String row : rows) {
            String[] f = row.split(",", -1);
            assertEquals(5, f.length, row);
            assertEquals("member", f[1], row);
            assertTrue(Long.parseLong(f[2]) < FarmBoard.TTL_SECONDS, row);
            assertTrue(f[3].startsWith("nts-ke"), row);
            assertEquals(f[0].equals(name(b)) ? "Y" : "N", f[4], row);
        }
        assertEquals(
                List.of(name(a), name(b)).stream().sorted().toList(),
                rows.stream().map(r -> r.split(",")[0]).toList());

        ControlCalls.Ctl keys = ctl("-p", Integer.toString(cmdA), "keys");
        assertEquals(0, keys.status(), keys.toString());
        assertTrue(
                keys.out().contains("\n* ")
                        && keys.out().contains("Damaged cluster entries ignored: 0"),
                keys.out());
        ControlCalls.Ctl keysCsv = ctl("-c", "-p", Integer.toString(cmdA), "keys");
        List<String> lines = keysCsv.out().lines().toList();
        assertEquals("damaged,0", lines.getLast(), keysCsv.out());
        assertEquals(1, lines.stream().filter(l -> l.endsWith(",Y")).count(), keysCsv.out());
        String current = currentSlot(cmdA);
        assertTrue(
                keys.out()
                        .contains(
                                "\n* "
                                        + current
                                        + " ("
                                        + String.format("%08X", Long.parseLong(current))
                                        + ")"),
                keys.out());
    }

    /** The current slot at a member's cmdport, from {@code keys -c}. */
    private static String currentSlot(int cmdPort) {
        ControlCalls.Ctl r = ctl("-c", "-p", Integer.toString(cmdPort), "keys");
        assertEquals(0, r.status(), r.toString());
        return r.out()
                .lines()
                .filter(l -> l.endsWith(",Y"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(r))
                .split(",")[0];
    }

    /** The key ring a member holds: its slots and which is current (ages left out: they grow). */
    private static String ring(int cmdPort) {
        ControlCalls.Ctl r = ctl("-c", "-p", Integer.toString(cmdPort), "keys");
        assertEquals(0, r.status(), r.toString());
        return String.join(
                " ",
                r.out()
                        .lines()
                        .filter(l -> !l.startsWith("damaged,"))
                        .map(l -> l.split(",")[0] + (l.endsWith(",Y") ? "*" : ""))
                        .toList());
    }

    /**
     * serverstats with every number and the damaged-entries note left out: what the farm looks
     * like.
     */
    private static String shape(String serverstats) {
        return serverstats
                .replaceAll(", \\d+ damaged entries ignored", "")
                .replaceAll("\\d+ m?s old", "# old")
                .replaceAll("\\d+", "#");
    }

    @Test
    void boardEntriesWrittenByAPlainClusterClientAreIgnoredAndCounted() throws Exception {
        String before = farmServerStats();
        assertFalse(before.contains("damaged entries ignored"), before);
        HazelcastInstance peer = FarmBehindNginxTest.peer(farm);
        try {
            IMap<Object, Object> board = peer.getMap(FarmBoard.MAP);
            byte[] genuineB = (byte[]) board.get(name(b));
            FarmEntries real = new FarmEntries(FarmSecretFile.read(farm.secret()));
            FarmBoard.Entry forged =
                    new FarmBoard.Entry(
                            "192.0.2.1:5701",
                            "member",
                            "nts-ke ntp control",
                            System.currentTimeMillis(),
                            Map.of(ServerCounter.values()[0], 1_000_000_000L));
            byte[] body = FarmBoard.encode(forged);
            byte[] junk = new byte[200];
            new SecureRandom().nextBytes(junk);
            FarmEntries otherFarm = new FarmEntries(FarmSecret.of(junk));
            // a string; random bytes; a well-formed entry without its MAC; one sealed under another
            // farm's secret; b's genuine entry moved to another name
            board.put("junk", "not an entry", 60, TimeUnit.SECONDS);
            board.put("192.0.2.2:5701", junk, 60, TimeUnit.SECONDS);
            board.put("192.0.2.1:5701", body, 60, TimeUnit.SECONDS);
            board.put(
                    "192.0.2.3:5701",
                    otherFarm.board(
                            "192.0.2.3:5701",
                            FarmBoard.encode(
                                    new FarmBoard.Entry(
                                            "192.0.2.3:5701",
                                            "member",
                                            "nts-ke",
                                            System.currentTimeMillis(),
                                            Map.of()))),
                    60,
                    TimeUnit.SECONDS);
            board.put("192.0.2.4:5701", genuineB, 60, TimeUnit.SECONDS);
            // the genuine entry does open under the farm's secret: the checks are what refuse the
            // others
            assertTrue(real.openBoard(name(b), genuineB) instanceof FarmEntries.Valid<byte[]>);

            String after = ctl("-p", Integer.toString(cmdA), "serverstats").out();
            assertTrue(
                    after.contains("Farm total (2 processes, 5 damaged entries ignored):"), after);
            assertEquals(
                    shape(before),
                    shape(after),
                    "the forged entries changed the farm's serverstats");
            assertFalse(after.contains("192.0.2."), after);
            String members = ctl("-c", "-p", Integer.toString(cmdB), "members").out();
            assertEquals(2, members.lines().count(), members);
            for (String key :
                    List.of(
                            "junk",
                            "192.0.2.1:5701",
                            "192.0.2.2:5701",
                            "192.0.2.3:5701",
                            "192.0.2.4:5701")) {
                board.remove(key);
            }
        } finally {
            peer.shutdown();
        }
        String clean = ctl("-p", Integer.toString(cmdA), "serverstats").out();
        assertTrue(clean.contains("Farm total (2 processes):"), clean);
    }

    @Test
    void rekeyIsRefusedWithoutTheCommandKeyAndChangesNothingOnEitherMember() throws Exception {
        String ringA = ring(cmdA);
        String ringB =
                Await.until(
                        Duration.ofSeconds(30),
                        Duration.ofMillis(250),
                        () -> ring(cmdB),
                        ringA::equals);
        assertEquals(ringA, ringB, "the members disagree before any rekey");

        ControlCalls.Ctl none = ctl("-p", Integer.toString(cmdA), "rekey");
        assertEquals(1, none.status(), none.toString());
        assertTrue(
                none.err()
                        .startsWith(
                                "501 Not authorised: authentication required: Rekey is an operational command"),
                none.err());
        ControlCalls.Ctl wrong =
                ControlCalls.ntsctl(
                        "authhash SHA1\npassword HEX:00112233445566778899AABBCCDDEEFF00112233\n"
                                + "rekey\n",
                        "-p",
                        Integer.toString(cmdA));
        assertEquals(1, wrong.status(), wrong.toString());
        assertTrue(
                wrong.err()
                        .contains(
                                "501 Not authorised: bad authenticator: it was not made with the command key"),
                wrong.err());
        SymmetricKey key = CommandKeys.read(keysA, 1).orElseThrow();
        var stale =
                calls.call(
                        "127.0.0.1",
                        cmdA,
                        FarmControlGrpcService.SERVICE_NAME,
                        "Rekey",
                        RekeyRequest.getDefaultInstance(),
                        RekeyReply.getDefaultInstance(),
                        ControlCalls.authenticator(
                                key,
                                FarmControlGrpcService.SERVICE_NAME,
                                "Rekey",
                                RekeyRequest.getDefaultInstance(),
                                System.currentTimeMillis() - 120_000));
        assertEquals(GrpcStatus.UNAUTHENTICATED, stale.status(), stale.message());
        assertTrue(
                stale.message()
                        .startsWith("bad authenticator: its time is 120 s from the server's clock"),
                stale.message());
        // 127.0.0.2 is loopback, but not the 127.0.0.1 and ::1 a command port serves unasked
        var elsewhere =
                calls.call(
                        "127.0.0.2",
                        cmdA,
                        FarmControlGrpcService.SERVICE_NAME,
                        "Rekey",
                        RekeyRequest.getDefaultInstance(),
                        RekeyReply.getDefaultInstance(),
                        ControlCalls.authenticator(
                                key,
                                FarmControlGrpcService.SERVICE_NAME,
                                "Rekey",
                                RekeyRequest.getDefaultInstance(),
                                System.currentTimeMillis()));
        assertEquals(GrpcStatus.PERMISSION_DENIED, elsewhere.status(), elsewhere.message());
        assertTrue(
                elsewhere
                        .message()
                        .startsWith("not allowed from this address (127.0.0.2 is not in cmdallow"),
                elsewhere.message());
        assertEquals(ringA, ring(cmdA), "a refused rekey changed member a's key ring");
        assertEquals(ringA, ring(cmdB), "a refused rekey changed member b's key ring");

        // an accepted call, then the same authenticator again
        Map<String, String> once =
                ControlCalls.authenticator(
                        key,
                        FarmControlGrpcService.SERVICE_NAME,
                        "Rekey",
                        RekeyRequest.getDefaultInstance(),
                        System.currentTimeMillis());
        var first =
                calls.call(
                        "127.0.0.1",
                        cmdA,
                        FarmControlGrpcService.SERVICE_NAME,
                        "Rekey",
                        RekeyRequest.getDefaultInstance(),
                        RekeyReply.getDefaultInstance(),
                        once);
        assertEquals(GrpcStatus.OK, first.status(), first.message());
        String rekeyed = ring(cmdA);
        assertNotEquals(ringA, rekeyed);
        Await.until(
                Duration.ofSeconds(30), Duration.ofMillis(250), () -> ring(cmdB), rekeyed::equals);
        var replay =
                calls.call(
                        "127.0.0.1",
                        cmdA,
                        FarmControlGrpcService.SERVICE_NAME,
                        "Rekey",
                        RekeyRequest.getDefaultInstance(),
                        RekeyReply.getDefaultInstance(),
                        once);
        assertEquals(GrpcStatus.UNAUTHENTICATED, replay.status());
        assertEquals(
                "bad authenticator: replayed: this authenticator was used before",
                replay.message());
        assertEquals(rekeyed, ring(cmdA), "the replayed rekey moved member a's key ring");
        assertEquals(rekeyed, ring(cmdB), "the replayed rekey moved member b's key ring");
    }

    /** A rekey at member a; the new current slot, once member b holds it as current too. */
    private String rekeyed(ControlCalls.Ctl r, String before) throws Exception {
        assertEquals(0, r.status(), r.toString());
        String next =
                r.out()
                        .lines()
                        .filter(l -> l.startsWith("current slot "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(r))
                        .substring(13);
        assertNotEquals(before, next, r.toString());
        assertEquals(next, currentSlot(cmdA));
        String atB =
                Await.until(
                        Duration.ofSeconds(30),
                        Duration.ofMillis(250),
                        () -> currentSlot(cmdB),
                        next::equals);
        assertEquals(next, atB, "member b did not follow the rekey");
        return next;
    }

    @Test
    void rekeySucceedsWithMinusAWithAuthhashAndPasswordAndAsRootOnTheUnixSocket() throws Exception {
        String current = currentSlot(cmdA);
        ControlCalls.Ctl withA =
                ctl("-p", Integer.toString(cmdA), "-a", "-f", confA.toString(), "rekey");
        assertTrue(withA.out().startsWith("200 OK\ncurrent slot "), withA.toString());
        current = rekeyed(withA, current);

        String[] words = KeyFile.formatLine(CommandKeys.read(keysA, 1).orElseThrow()).split(" ");
        ControlCalls.Ctl typed =
                ControlCalls.ntsctl(
                        "authhash " + words[1] + "\npassword " + words[2] + "\nrekey\n",
                        "-p",
                        Integer.toString(cmdA));
        assertTrue(
                typed.out().startsWith("200 OK\n200 OK\n200 OK\ncurrent slot "), typed.toString());
        current = rekeyed(typed, current);

        assumeTrue(
                "root".equals(System.getProperty("user.name")) || Requirements.underCi(),
                "the Unix socket's operational calls are root's");
        assertEquals(
                "rwx------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(socketA.getParent())));
        ControlCalls.Ctl root = ctl("-h", socketA.toString(), "rekey");
        rekeyed(root, current);
    }

    @Test
    void aGenericGrpcClientListsTheFarmServiceAndHealthSaysServing() throws Exception {
        String out = ControlCalls.probe(dir, "127.0.0.1:" + cmdA);
        assertEquals(
                List.of(
                        "service grpc.health.v1.Health",
                        "service grpc.reflection.v1.ServerReflection",
                        "service ntsfarm.control.v1.FarmControl"),
                ControlCalls.lines(out, "service "),
                out);
        assertTrue(out.contains("health ntsfarm.control.v1.FarmControl SERVING\n"), out);
        assertTrue(out.contains("health \"\" SERVING\n"), out);
    }
}
