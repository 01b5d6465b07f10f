package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Requirements;
import dev.ntsfarm.testsupport.farm.FarmProcess;
import dev.ntsfarm.testsupport.farm.NetNamespaces;
import dev.ntsfarm.testsupport.farm.Nginx;
import dev.ntsfarm.testsupport.farm.ProcessFarm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hazelcast split brain and its healing on a farm of processes spread over two hosts (network
 * namespaces {@code a} and {@code b}), with nginx and a continuous chronyd 4.3 client on a third
 * (the hub) that reaches both. Host {@code a} runs the NTS-KE member ke-a and the responders ntp-a1
 * and ntp-a2, host {@code b} ke-b and ntp-b; every member lists the other. The cut parts {@code a}
 * from {@code b} only, so nginx still reaches every process. The outcome (docs/operations.md, "A
 * split cluster"):
 *
 * <ul>
 *   <li>each side goes on alone with the seeds it holds, and every responder keeps answering;
 *   <li>a slot's seed is made one slot ahead, and during the split each side makes it alone;
 *       cookies are sealed only under the current slot, so the sides first seal under different
 *       seeds at the second boundary after the split began, and a split healed before it costs
 *       clients nothing;
 *   <li>on healing, one side merges into the other and the other's entries win (put-if-absent): the
 *       merged side's processes log that the cluster's seed differs from their copy and follow it;
 *   <li>a split across two boundaries gives the merged side's cookies of the slots it made alone,
 *       which open nowhere after the merge: a client that polls next after the merge (here: chronyd
 *       put offline over the heal, as a client polling every minute or more is) gets one NAK, makes
 *       a new NTS-KE and is back at Reach 377 by itself, with no NAK after that.
 * </ul>
 *
 * A client that keeps polling across the sides long into such a split gets NAKs during it, and
 * chronyd 4.3 waits 2^10 s before another NTS-KE once fresh cookies met a NAK before any answer:
 * documented, not asserted here.
 *
 * <p>Laid out on slot boundaries of the wall clock: about 130 s.
 */
@Timeout(300)
class FarmPartitionTest {

    /** Short slots, so that a split can span two slot boundaries in seconds. */
    static final int ROTATE = 12;

    /** {@code cluster heartbeat}: a silent peer counts as gone after this many seconds. */
    static final int HEARTBEAT = 4;

    /** {@code cluster merge}: the sides look for each other this often. */
    static final int MERGE = 1;

    /** How long after a heal the merge may take, under a loaded machine's slow JVMs. */
    static final Duration MERGE_WITHIN = Duration.ofSeconds(20);

    /**
     * How long the second split goes on past the boundary where the sides' seeds part: four polls,
     * so both sides mint cookies under their own seeds, and less than the eight polls after which
     * chronyd uses them.
     */
    static final Duration PAST_PARTING = Duration.ofSeconds(2);

    /** A member logs this when the other side is gone and it is alone. */
    private static final String GONE = "(1 members now)";

    private static final String MERGED = "merged into the cluster after a split";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private static Instant boundary(long slot) {
        return Instant.ofEpochSecond(slot * ROTATE);
    }

    private static long slotNow() {
        return Instant.now().getEpochSecond() / ROTATE;
    }

    /** Waits for a moment of the wall clock: the scenario is laid out on slot boundaries. */
    private static void awaitTime(Instant when) throws InterruptedException {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
            Thread.sleep(millis); // nothing to wait on but time itself
        }
    }

    /** What is left until {@code when}, never negative. */
    private static Duration until(Instant when) {
        Duration d = Duration.between(Instant.now(), when);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static String log(FarmProcess p) {
        try {
            return p.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    private static String differs(long slot) {
        return "the cluster's seed of slot " + slot + " differs from this process's copy";
    }

    /** Asserts that nginx had at least two answers from every responder in {@code sessions}. */
    private static void assertEveryResponderAnswered(
            ProcessFarm farm, List<Nginx.Session> sessions, String during) {
        Map<String, Integer> by = new TreeMap<>();
        for (Nginx.Session s : sessions) {
            if (s.answeredUdp()) {
                by.merge(s.upstream(), 1, Integer::sum);
            }
        }
        for (ProcessFarm.Responder r : farm.responders()) {
            int n = by.getOrDefault(r.address() + ":" + r.port(), 0);
            assertTrue(
                    n >= 2,
                    r.process().name()
                            + " answered "
                            + n
                            + " requests "
                            + during
                            + " (by upstream: "
                            + by
                            + ")");
        }
    }

    /** NTS NAKs among {@code sessions}, by upstream. */
    private static Map<String, Integer> naks(List<Nginx.Session> sessions) {
        Map<String, Integer> by = new TreeMap<>();
        for (Nginx.Session s : sessions) {
            if (s.ntsNak()) {
                by.merge(s.upstream(), 1, Integer::sum);
            }
        }
        return by;
    }

    private static List<Nginx.Session> since(Nginx nginx, int mark) throws IOException {
        List<Nginx.Session> all = nginx.sessions();
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    /** Waits until the two members are one cluster. */
    private static void awaitOneCluster(ProcessFarm farm) throws Exception {
        boolean one =
                Await.until(
                        Duration.ofSeconds(30),
                        Duration.ofMillis(200),
                        () ->
                                farm.members().stream()
                                        .anyMatch(
                                                m -> log(m.process()).contains("(2 members now)")),
                        b -> b);
        assertTrue(
                one,
                "the members never formed one cluster:\n"
                        + log(farm.members().getFirst().process()));
    }

    /**
     * Waits until every member saw the other go ({@code splits} times so far): its heartbeats
     * stopped.
     */
    private static void awaitSplit(ProcessFarm farm, int splits) throws Exception {
        for (ProcessFarm.Member m : farm.members()) {
            String l =
                    Await.until(
                            Duration.ofSeconds(HEARTBEAT * 4L),
                            Duration.ofMillis(200),
                            () -> log(m.process()),
                            t -> count(t, GONE) >= splits);
            assertTrue(
                    count(l, GONE) >= splits,
                    m.process().name() + " never lost the other side:\n" + l);
        }
    }

    /** How many merges each member logged so far, by name. */
    private static Map<String, Integer> mergesSoFar(ProcessFarm farm) {
        Map<String, Integer> m = new TreeMap<>();
        farm.members().forEach(x -> m.put(x.process().name(), count(log(x.process()), MERGED)));
        return m;
    }

    /**
     * Waits for the merge that follows a heal; returns the member that merged (its side's entries
     * gave way).
     */
    private static ProcessFarm.Member awaitMerge(ProcessFarm farm, Map<String, Integer> before)
            throws Exception {
        List<ProcessFarm.Member> merged =
                Await.until(
                        MERGE_WITHIN,
                        Duration.ofMillis(200),
                        () ->
                                farm.members().stream()
                                        .filter(
                                                m ->
                                                        count(log(m.process()), MERGED)
                                                                > before.get(m.process().name()))
                                        .toList(),
                        l -> !l.isEmpty());
        assertEquals(
                1,
                merged.size(),
                "one side merges into the other within "
                        + MERGE_WITHIN.toSeconds()
                        + " s: "
                        + merged
                        + "\n"
                        + log(farm.members().getFirst().process()));
        return merged.getFirst();
    }

    /**
     * Waits until every process on the merged side's host says it follows the cluster's seed of
     * {@code slot}, by {@code deadline}; asserts that no process of the other side ever did.
     */
    private static void assertMergedSideFollows(
            ProcessFarm farm, String mergedHost, long slot, Instant deadline) throws Exception {
        String differs = differs(slot);
        List<FarmProcess> all = new java.util.ArrayList<>();
        farm.members().forEach(m -> all.add(m.process()));
        farm.responders().forEach(r -> all.add(r.process()));
        for (FarmProcess p : all) {
            boolean merged = hostOf(farm, p).equals(mergedHost);
            if (merged) {
                String l =
                        Await.until(
                                until(deadline),
                                Duration.ofMillis(100),
                                () -> log(p),
                                t -> t.contains(differs));
                assertTrue(
                        l.contains(differs),
                        p.name()
                                + " follows the cluster's seed of slot "
                                + slot
                                + " by "
                                + deadline
                                + ":\n"
                                + l);
            } else {
                assertFalse(
                        log(p).contains(differs),
                        p.name() + " keeps its side's seed of slot " + slot);
            }
        }
    }

    private static String hostOf(ProcessFarm farm, FarmProcess p) {
        for (ProcessFarm.Member m : farm.members()) {
            if (m.process() == p) {
                return m.address();
            }
        }
        for (ProcessFarm.Responder r : farm.responders()) {
            if (r.process() == p) {
                return r.address();
            }
        }
        throw new IllegalArgumentException(p.name());
    }

    @Test
    void aSplitWithinAPeriodCostsNothingALongerOneCostsANakAndClientsRecoverOnTheirOwn()
            throws Exception {
        Requirements.chronyd();
        try (NetNamespaces net = NetNamespaces.create("a", "b");
                ProcessFarm farm =
                        ProcessFarm.onAddresses(
                                dir.resolve("farm"),
                                "127.0.0.1",
                                "ntsrotate " + ROTATE,
                                "cluster heartbeat " + HEARTBEAT,
                                "cluster merge " + MERGE,
                                "metricsport 0")) {
            NetNamespaces.Host a = net.host("a");
            NetNamespaces.Host b = net.host("b");
            ProcessFarm.Member keA = farm.keMember("ke-a", a);
            ProcessFarm.Member keB = farm.keMember("ke-b", b);
            farm.joinEachOther();
            farm.ntpResponder("ntp-a1", a);
            farm.ntpResponder("ntp-b", b);
            farm.ntpResponder("ntp-a2", a);
            Nginx nginx = farm.balancer(net.hub().namespace());
            farm.startAll();
            nginx.start();
            awaitOneCluster(farm);
            try (FarmClient client =
                    FarmClient.start(
                            net.hub().namespace(),
                            dir,
                            "127.0.0.1",
                            farm.balancerNtpPort(),
                            farm.balancerKePort(),
                            farm.certificate().cert())) {
                client.awaitReach377(Duration.ofSeconds(40));
                long keyIdStart = client.keyId();
                assertTrue(
                        net.connects("a", b.address(), keB.clusterPort()),
                        "a reaches b before the cut");

                // ---- a split within one period: cut just after boundary c, heal just after c + 1
                long c = slotNow() + 1;
                awaitTime(boundary(c).plusMillis(500));
                int mark = nginx.sessions().size();
                net.cut("a", "b");
                assertFalse(
                        net.connects("a", b.address(), keB.clusterPort()),
                        "the cut parts a from b");
                assertFalse(net.connects("b", a.address(), keA.clusterPort()), "and b from a");
                assertTrue(
                        net.connects("hub", b.address(), keB.kePort())
                                && net.connects("hub", a.address(), keA.kePort()),
                        "the hub still reaches both sides");
                awaitSplit(farm, 1);
                // at boundary c + 1 each side alone creates its own seed of slot c + 2
                client.assertReach377Throughout(
                        until(boundary(c + 1).plusMillis(1500)), "during a split");
                assertEveryResponderAnswered(farm, since(nginx, mark), "during the split");
                Map<String, Integer> merges = mergesSoFar(farm);
                net.heal("a", "b");
                Instant healed = Instant.now();
                ProcessFarm.Member merged = awaitMerge(farm, merges);
                System.out.printf(
                        "first split: %s merged %d ms after the heal, %d ms before boundary %d%n",
                        merged.process().name(),
                        Duration.between(healed, Instant.now()).toMillis(),
                        Duration.between(Instant.now(), boundary(c + 2)).toMillis(),
                        c + 2);
                // the merged side's processes follow the other side's seed before anyone seals
                // under it
                assertMergedSideFollows(farm, merged.address(), c + 2, boundary(c + 2));
                mark = nginx.sessions().size();
                client.assertReach377Throughout(
                        until(boundary(c + 2).plusSeconds(3)),
                        "after the merge, across the boundary to the slot created during the split");
                assertEveryResponderAnswered(farm, since(nginx, mark), "after the first merge");
                assertEquals(
                        Map.of(), naks(nginx.sessions()), "a split within one period costs no NAK");
                assertEquals(
                        keyIdStart,
                        client.keyId(),
                        "and no new NTS-KE: " + String.join(" ", client.authdata()));

                // ---- a split across two boundaries: from d + 2 on each side seals under a seed of
                // its own
                long d = slotNow() + 1;
                awaitTime(boundary(d).plusMillis(500));
                long keyIdBefore = client.keyId();
                mark = nginx.sessions().size();
                net.cut("a", "b");
                awaitSplit(farm, 2);
                client.assertReach377Throughout(
                        until(boundary(d + 2)),
                        "during a split, up to the boundary where the sides' seeds part");
                // four polls under the sides' own seeds of slot d + 2 (round robin: both sides
                // answer);
                // chronyd uses a cookie eight polls after it got it, so none of them is used yet
                awaitTime(boundary(d + 2).plus(PAST_PARTING));
                // a client that polls again only after the merge, as one polling every minute or
                // more does
                client.chronyd.chronycLocal("offline");
                assertEveryResponderAnswered(farm, since(nginx, mark), "during the second split");
                assertEquals(
                        Map.of(),
                        naks(since(nginx, mark)),
                        "no cookie of slot " + (d + 2) + " used yet");
                merges = mergesSoFar(farm);
                net.heal("a", "b");
                healed = Instant.now();
                ProcessFarm.Member second = awaitMerge(farm, merges);
                System.out.printf(
                        "second split: %s merged %d ms after the heal%n",
                        second.process().name(),
                        Duration.between(healed, Instant.now()).toMillis());
                assertMergedSideFollows(
                        farm, second.address(), d + 2, Instant.now().plusSeconds(10));
                long mergedAt = client.measurements();
                mark = nginx.sessions().size();
                client.chronyd.chronycLocal("online");

                // the merged side's cookies of slot d + 2 open nowhere now: chronyd meets one, gets
                // a NAK,
                // makes a new NTS-KE and goes on; every cookie held now was minted by the one farm
                // once
                // sixteen polls were answered after the merge
                long polled =
                        Await.until(
                                Duration.ofSeconds(40),
                                Duration.ofMillis(250),
                                () -> client.reach() == 0377 ? client.measurements() : -1,
                                n -> n >= mergedAt + 16);
                assertTrue(
                        polled >= mergedAt + 16,
                        "chronyd is back at Reach 377 after the merge by itself: Reach "
                                + Integer.toOctalString(client.reach())
                                + "\n"
                                + client.chronyd.log());
                Instant recovered = Instant.now();
                Map<String, Integer> naks = naks(since(nginx, mark));
                assertFalse(
                        naks.isEmpty(),
                        "the merged side's cookies of slot " + (d + 2) + " earn a NAK");
                assertTrue(
                        client.keyId() > keyIdBefore,
                        "chronyd made a new NTS-KE by itself: "
                                + String.join(" ", client.authdata()));
                int settled = nginx.sessions().size();
                client.assertReach377Throughout(
                        Duration.ofSeconds(4), "once the farm is one again");
                assertEquals(
                        Map.of(), naks(since(nginx, settled)), "no NAK once the farm is one again");
                assertEveryResponderAnswered(farm, since(nginx, mark), "after the second merge");
                System.out.printf(
                        "second split: NAKs by responder %s, %d new NTS-KE(s), sixteen polls at Reach 377"
                                + " %d ms after the heal%n",
                        naks,
                        client.keyId() - keyIdBefore,
                        Duration.between(healed, recovered).toMillis());
            }
        }
    }
}
