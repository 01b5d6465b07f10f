package dev.ntsfarm.farm.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Hazelcast members and a client in this JVM: the members converge on one set of seeds, a
 * cookie sealed by one opens at the other and at the client, and a rekey reaches everyone by the
 * map's events.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class FarmKeysClusterTest {

    private static final FarmSecret SECRET =
            FarmSecret.of("farm secret of this test, 32+ bytes long".getBytes());

    /**
     * Changes arrive by the map's events; the timer is the safety net for an event a client missed
     * (as when its connection to the key's owner was still being set up), so it runs often here.
     */
    private static final FarmKeyOptions OPTIONS =
            FarmKeyOptions.defaults().withRefreshInterval(Duration.ofSeconds(2));

    private final List<HazelcastInstance> instances = new ArrayList<>();
    private final List<FarmKeys> keys = new ArrayList<>();
    private final List<HazelcastInstance> attackers = new ArrayList<>();
    private FarmKeys memberA;
    private FarmKeys memberB;
    private FarmKeys client;
    private String clusterName;
    private ClusterOptions joinA;
    private int memberPort;

    @BeforeAll
    void startFarm(Vertx vertx) {
        ClusterOptions base =
                ClusterOptions.defaults()
                        .withName("farm-keys-test-" + ProcessHandle.current().pid())
                        .withBind("127.0.0.1", 0);
        clusterName = base.name();
        HazelcastInstance a = FarmCluster.startMember(vertx, base).await();
        instances.add(a);
        int portA = a.getCluster().getLocalMember().getAddress().getPort();
        memberPort = portA;
        joinA = base.withMembers(List.of(new ClusterOptions.Member("127.0.0.1", portA)));
        HazelcastInstance b = FarmCluster.startMember(vertx, joinA).await();
        instances.add(b);
        HazelcastInstance c =
                FarmCluster.startClient(vertx, joinA.withConnectTimeout(Duration.ofSeconds(20)))
                        .await();
        instances.add(c);
        assertEquals(2, a.getCluster().getMembers().size());

        memberA = track(FarmKeys.member(vertx, a, OPTIONS, SECRET).await());
        memberB = track(FarmKeys.member(vertx, b, OPTIONS, SECRET).await());
        client = track(FarmKeys.reader(vertx, c, OPTIONS, SECRET).await());
    }

    private FarmKeys track(FarmKeys k) {
        keys.add(k);
        return k;
    }

    @AfterAll
    void stopFarm(Vertx vertx) {
        for (FarmKeys k : keys) {
            k.close().await();
        }
        attackers.forEach(HazelcastInstance::shutdown);
        for (HazelcastInstance i : instances.reversed()) {
            FarmCluster.shutdown(vertx, i).await();
        }
    }

    @Test
    void membersAndClientConvergeAndOpenEachOthersCookies() {
        MasterKeyRing a = memberA.current();
        MasterKeyRing b = memberB.current();
        MasterKeyRing c = client.current();
        assertEquals(a.currentSlot(), b.currentSlot());
        assertEquals(a.slots(), b.slots());
        assertEquals(a.slots(), c.slots());

        byte[] fromA = Cookies.seal(a);
        assertTrue(Cookies.opens(b, fromA), "member B opens member A's cookie");
        assertTrue(Cookies.opens(c, fromA), "the client opens member A's cookie");
        byte[] fromClient = Cookies.seal(c);
        assertTrue(Cookies.opens(a, fromClient), "a responder's fresh cookie opens at a KE member");
    }

    @Test
    void aFarmSecretOfItsOwnIsRefusedAndItsSeedsAloneOpenNothing(Vertx vertx) {
        FarmSecret other = FarmSecret.of("another farm secret, also 32+ bytes".getBytes());
        Throwable refused = failure(FarmKeys.reader(vertx, instances.get(2), OPTIONS, other));
        assertTrue(refused instanceof FarmKeys.FarmSecretMismatch, String.valueOf(refused));
        assertTrue(refused.getMessage().contains("not this farm's secret"), refused.getMessage());
        Throwable member = failure(FarmKeys.member(vertx, instances.get(1), OPTIONS, other));
        assertTrue(member instanceof FarmKeys.FarmSecretMismatch, String.valueOf(member));

        MasterKeyRing ours = memberA.current();
        MasterKeyRing theirs =
                MasterKeyRing.of(
                        other,
                        ours.currentSlot(),
                        Stores.seeds(FarmStore.hazelcast(instances.get(2)), SECRET),
                        2);
        assertEquals(ours.slots(), theirs.slots(), "same seeds");
        assertFalse(Cookies.opens(theirs, Cookies.seal(ours)), "the seeds alone open no cookie");
    }

    @Test
    void aRekeyOnOneMemberReachesEveryone(Vertx vertx, VertxTestContext ctx) {
        byte[] before = Cookies.seal(memberA.current());
        long rekeyed = memberB.rekey().await();
        Future.all(
                        until(vertx, () -> memberA.current(), r -> r.currentSlot() == rekeyed),
                        until(vertx, () -> client.current(), r -> r.currentSlot() == rekeyed))
                .onComplete(
                        ctx.succeeding(
                                v ->
                                        ctx.verify(
                                                () -> {
                                                    assertEquals(
                                                            memberB.current().slots(),
                                                            memberA.current().slots());
                                                    assertTrue(
                                                            Cookies.opens(client.current(), before),
                                                            "the slot before a rekey stays valid");
                                                    assertTrue(
                                                            Cookies.opens(
                                                                    memberA.current(),
                                                                    Cookies.seal(
                                                                            client.current())));
                                                    ctx.completeNow();
                                                })));
    }

    @Test
    void aMemberTenPeriodsAheadOfTheOthersPrunesNothingAndMintsUnderTheFarmsSlot(Vertx vertx) {
        HazelcastInstance d = FarmCluster.startMember(vertx, joinA).await();
        instances.add(d);
        FarmStore view = FarmStore.hazelcast(instances.get(2));
        Set<Long> before = Stores.slots(view);
        InstantSource ahead =
                Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10 * OPTIONS.rotateSeconds()));
        FarmKeys far = track(FarmKeys.member(vertx, d, OPTIONS.withClock(ahead), SECRET).await());
        assertTrue(far.status().clockFarFromFarm(), far.status().toString());
        assertEquals(memberA.current().currentSlot(), far.current().currentSlot());
        far.refresh().await();
        assertEquals(before, Stores.slots(view), "nothing pruned, nothing created ahead");
        assertTrue(Cookies.opens(memberA.current(), Cookies.seal(far.current())));
        assertTrue(Cookies.opens(client.current(), Cookies.seal(far.current())));
        assertFalse(memberA.status().clockFarFromFarm());
    }

    /**
     * A Java-serializable object as a peer might send; counts the times one was built from bytes.
     */
    record Junk(String text) implements Serializable {
        static final AtomicInteger BUILT = new AtomicInteger();

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            BUILT.incrementAndGet();
            in.defaultReadObject();
        }
    }

    /** A plain Hazelcast client, as anyone who reaches a member's port can start. */
    private HazelcastInstance attacker() {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.getNetworkConfig().addAddress("127.0.0.1:" + memberPort);
        HazelcastInstance a = HazelcastClient.newHazelcastClient(config);
        attackers.add(a);
        return a;
    }

    @Test
    void aPeerObjectOfAnyOtherClassIsRefusedBeforeItIsBuilt() {
        HazelcastInstance attacker = attacker();
        attacker.getMap("ntsfarm.filter-test").put("gadget", new Junk("gadget"));
        for (HazelcastInstance ours : List.of(instances.get(1), instances.get(2))) {
            RuntimeException e =
                    assertThrows(
                            RuntimeException.class,
                            () -> ours.getMap("ntsfarm.filter-test").get("gadget"));
            assertTrue(
                    e instanceof HazelcastSerializationException || e instanceof SecurityException,
                    e.toString());
        }
        assertEquals(0, Junk.BUILT.get(), "no object was built from the peer's bytes");
    }

    @Test
    void aPlainClientThatJunksThenForgesThenClearsEveryMapCostsNoCookie(Vertx vertx) {
        HazelcastInstance attacker = attacker();
        List<IMap<Object, Object>> maps = new ArrayList<>();
        for (FarmStore.Space space : FarmStore.Space.values()) {
            maps.add(attacker.getMap(space.mapName()));
        }
        IMap<Object, Object> seeds = maps.getFirst();
        FarmEntries forger =
                new FarmEntries(FarmSecret.of("the attacker's own secret, 32+ bytes".getBytes()));

        byte[] beforeJunk = Cookies.seal(memberA.current());
        for (IMap<Object, Object> m : maps) {
            for (Object k : m.keySet()) {
                m.put(k, "junk");
            }
            m.put("bogus", new Junk("bogus"));
        }
        seeds.put(memberA.current().currentSlot() + 1, new byte[7]);
        settled(vertx, beforeJunk);

        byte[] beforeForgery = Cookies.seal(memberB.current());
        for (Object k : seeds.keySet()) {
            byte[] seed = new byte[32];
            seeds.put(k, forger.seed((Long) k, seed));
        }
        maps.get(1).put(FarmStore.POINTER_KEY, forger.pointer(memberA.current().currentSlot() + 1));
        maps.get(2).put(FarmStore.FINGERPRINT_KEY, forger.fingerprintEntry());
        settled(vertx, beforeJunk);
        settled(vertx, beforeForgery);

        byte[] beforeClear = Cookies.seal(client.current());
        maps.forEach(IMap::clear);
        settled(vertx, beforeJunk);
        settled(vertx, beforeClear);
        assertTrue(
                memberA.status().damagedEntriesIgnored() + memberB.status().damagedEntriesIgnored()
                        > 0);
        assertTrue(memberA.status().entriesRepaired() + memberB.status().entriesRepaired() > 0);
    }

    /**
     * Waits until every process opens {@code cookie}, no damage is left and the seeds are back in
     * the map.
     */
    private void settled(Vertx vertx, byte[] cookie) {
        FarmStore view = FarmStore.hazelcast(instances.get(2));
        Future<MasterKeyRing> done =
                until(
                        vertx,
                        () -> client.current(),
                        r ->
                                Cookies.opens(r, cookie)
                                        && Cookies.opens(memberA.current(), cookie)
                                        && Cookies.opens(memberB.current(), cookie)
                                        && memberA.status().damagedEntriesNow() == 0
                                        && Stores.seeds(view, SECRET)
                                                .keySet()
                                                .containsAll(memberA.current().slots()));
        done.await();
        assertTrue(
                Cookies.opens(client.current(), Cookies.seal(memberA.current())),
                "fresh cookies open too");
    }

    /** The failure of {@code f} once it completes, or null when it succeeded. */
    static Throwable failure(Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    /** Polls {@code source} every 50 ms until {@code done} holds, for at most 15 s. */
    private static Future<MasterKeyRing> until(
            Vertx vertx,
            java.util.function.Supplier<MasterKeyRing> source,
            Predicate<MasterKeyRing> done) {
        Promise<MasterKeyRing> p = Promise.promise();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        vertx.setPeriodic(
                50,
                id -> {
                    MasterKeyRing r = source.get();
                    if (done.test(r)) {
                        vertx.cancelTimer(id);
                        p.tryComplete(r);
                    } else if (System.nanoTime() > deadline) {
                        vertx.cancelTimer(id);
                        p.tryFail("still " + r + " after 15 s");
                    }
                });
        return p.future();
    }
}
