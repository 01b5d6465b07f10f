package dev.ntsfarm.farm.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Hazelcast members and a client in this JVM: the members converge on one set of seeds, a cookie
 * sealed by one opens at the other and at the client, and a rekey reaches everyone by the map's events.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class FarmKeysClusterTest {

    private static final FarmSecret SECRET = FarmSecret.of("farm secret of this test, 32+ bytes long".getBytes());
    /**
     * Changes arrive by the map's events; the timer is the safety net for an event a client missed
     * (as when its connection to the key's owner was still being set up), so it runs often here.
     */
    private static final FarmKeyOptions OPTIONS = FarmKeyOptions.defaults().withRefreshInterval(Duration.ofSeconds(2));

    private final List<HazelcastInstance> instances = new ArrayList<>();
    private final List<FarmKeys> keys = new ArrayList<>();
    private FarmKeys memberA;
    private FarmKeys memberB;
    private FarmKeys client;

    @BeforeAll
    void startFarm(Vertx vertx) {
        ClusterOptions base = ClusterOptions.defaults().withName("farm-keys-test-" + ProcessHandle.current().pid())
                .withBind("127.0.0.1", 0);
        HazelcastInstance a = FarmCluster.startMember(vertx, base).await();
        instances.add(a);
        int portA = a.getCluster().getLocalMember().getAddress().getPort();
        ClusterOptions joinA = base.withMembers(List.of(new ClusterOptions.Member("127.0.0.1", portA)));
        HazelcastInstance b = FarmCluster.startMember(vertx, joinA).await();
        instances.add(b);
        HazelcastInstance c = FarmCluster.startClient(vertx, joinA.withConnectTimeout(Duration.ofSeconds(20))).await();
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
    void aFarmSecretOfItsOwnOpensNothing(Vertx vertx) {
        FarmSecret other = FarmSecret.of("another farm secret, also 32+ bytes".getBytes());
        FarmKeys stranger = FarmKeys.reader(vertx, instances.get(2), OPTIONS, other).await();
        try {
            assertEquals(memberA.current().slots(), stranger.current().slots(), "same seeds");
            assertFalse(Cookies.opens(stranger.current(), Cookies.seal(memberA.current())),
                    "the seeds alone open no cookie");
        } finally {
            stranger.close().await();
        }
    }

    @Test
    void aRekeyOnOneMemberReachesEveryone(Vertx vertx, VertxTestContext ctx) {
        byte[] before = Cookies.seal(memberA.current());
        long rekeyed = memberB.rekey().await();
        Future.all(
                until(vertx, () -> memberA.current(), r -> r.currentSlot() == rekeyed),
                until(vertx, () -> client.current(), r -> r.currentSlot() == rekeyed))
            .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                assertEquals(memberB.current().slots(), memberA.current().slots());
                assertTrue(Cookies.opens(client.current(), before), "the slot before a rekey stays valid");
                assertTrue(Cookies.opens(memberA.current(), Cookies.seal(client.current())));
                ctx.completeNow();
            })));
    }

    /** Polls {@code source} every 50 ms until {@code done} holds, for at most 15 s. */
    private static Future<MasterKeyRing> until(Vertx vertx, java.util.function.Supplier<MasterKeyRing> source,
                                               Predicate<MasterKeyRing> done) {
        Promise<MasterKeyRing> p = Promise.promise();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        vertx.setPeriodic(50, id -> {
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
