package dev.ntsfarm.farm.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.farm.keys.FarmStore.Space;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that reaches the cluster can junk, forge, move, replay and clear entries (DESIGN section
 * 3): each is ignored and counted, members put back what they hold, every process goes on with its
 * verified copy, and a member whose clock runs far ahead follows the farm instead of its clock.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class FarmKeysTamperTest {

    private static final long ROTATE = 100;
    private static final long SLOT = 1000;
    private static final FarmSecret SECRET =
            FarmSecret.of("the farm secret of the tamper test, 32+ bytes".getBytes());
    private static final FarmSecret OTHER =
            FarmSecret.of("a forger's own secret, also 32+ bytes long".getBytes());

    private final MutableClock clock = new MutableClock(SLOT * ROTATE + 5);
    private final LocalFarmStore store = new LocalFarmStore();
    private final List<FarmKeys> started = new ArrayList<>();

    @TempDir Path dir;

    @AfterEach
    void close() {
        started.forEach(k -> k.close().await());
    }

    private FarmKeyOptions options(MutableClock c) {
        return FarmKeyOptions.defaults().withRotateSeconds(ROTATE).withClock(c);
    }

    private FarmKeys start(FarmStore on, FarmKeys.Role role, MutableClock c) {
        FarmKeys k =
                FarmKeys.start(vertx, on, role, options(c), SECRET, new SecureRandom()).await();
        started.add(k);
        return k;
    }

    private Vertx vertx;

    private FarmKeys member(Vertx v) {
        vertx = v;
        return start(store, FarmKeys.Role.MEMBER, clock);
    }

    private FarmKeys reader(Vertx v) {
        vertx = v;
        return start(store.peer(null), FarmKeys.Role.READER, clock);
    }

    @Test
    void junkOfEveryKindIsIgnoredCountedAndReplaced(Vertx v) {
        FarmKeys member = member(v);
        FarmKeys reader = reader(v);
        byte[] cookie = Cookies.seal(member.current());

        store.putRaw(Space.SEEDS, SLOT, "not a seed");
        store.putRaw(Space.SEEDS, SLOT + 1, new byte[3]);
        store.putRaw(Space.SEEDS, "bogus", new byte[80]);
        store.putRaw(Space.SEEDS, SLOT + 7, LocalFarmStore.UNREADABLE);
        store.putRaw(Space.POINTER, FarmStore.POINTER_KEY, 99999L);
        store.putRaw(Space.FARM, FarmStore.FINGERPRINT_KEY, 42);
        store.putRaw(Space.MEMBERS, 17, "junk");

        MasterKeyRing readerRing = reader.refresh().await();
        assertTrue(Cookies.opens(readerRing, cookie), "the reader goes on with its copy");
        MasterKeyRing ring = member.refresh().await();
        assertTrue(Cookies.opens(ring, cookie), "the member goes on with its copy");
        assertEquals(SLOT, ring.currentSlot());

        KeyRingStatus s = member.status();
        assertTrue(s.damagedEntriesIgnored() >= 6, s.toString());
        assertTrue(s.entriesRepaired() >= 3, s.toString());
        assertEquals(
                Set.of(SLOT, SLOT + 1),
                Stores.seeds(store, SECRET).keySet(),
                "both seeds put back");
        assertEquals(Set.of(SLOT, SLOT + 1), Stores.slots(store), "junk keys removed");
        assertFalse(store.keys(Space.MEMBERS).readable().contains(17));
        assertTrue(
                new FarmEntries(SECRET)
                                .checkFingerprint(
                                        ((FarmStore.Present)
                                                        store.get(
                                                                Space.FARM,
                                                                FarmStore.FINGERPRINT_KEY))
                                                .value())
                        instanceof FarmEntries.SameSecret);

        MasterKeyRing after = reader.refresh().await();
        assertTrue(
                Cookies.opens(after, Cookies.seal(member.current())),
                "the reader follows the repaired map");
        assertTrue(
                Cookies.opens(member.current(), Cookies.seal(after)),
                "and the member opens the reader's");
    }

    @Test
    void forgedSeedsFailTheirMacAndArePutBack(Vertx v) {
        FarmKeys member = member(v);
        FarmKeys reader = reader(v);
        byte[] cookie = Cookies.seal(member.current());
        FarmEntries forger = new FarmEntries(OTHER);
        for (long s : List.of(SLOT, SLOT + 1)) {
            byte[] seed = new byte[32];
            new SecureRandom().nextBytes(seed);
            store.putRaw(Space.SEEDS, s, forger.seed(s, seed));
        }
        assertTrue(Cookies.opens(reader.refresh().await(), cookie));
        assertTrue(Cookies.opens(member.refresh().await(), cookie));
        assertTrue(member.status().damagedEntriesIgnored() >= 2, member.status().toString());
        assertEquals(2, Stores.seeds(store, SECRET).size(), "the member's copies are back");
        reader.refresh().await();
        assertEquals(0, reader.status().damagedEntriesNow(), reader.status().toString());
    }

    @Test
    void anEntryMovedToAnotherSlotIsDamaged(Vertx v) {
        FarmKeys member = member(v);
        byte[] cookieOfNext =
                Cookies.seal(MasterKeyRing.of(SECRET, SLOT + 1, Stores.seeds(store, SECRET)));
        member.close().await();
        started.clear();
        FarmKeys reader = reader(v);
        long before = reader.status().damagedEntriesIgnored();
        store.putRaw(
                Space.SEEDS, SLOT + 1, ((FarmStore.Present) store.get(Space.SEEDS, SLOT)).value());
        assertTrue(
                Cookies.opens(reader.refresh().await(), cookieOfNext),
                "the copy of slot " + (SLOT + 1) + " is kept");
        assertEquals(
                before + 1, reader.status().damagedEntriesIgnored(), reader.status().toString());
    }

    @Test
    void aDamagedEntryCountsOnceWhileItStays(Vertx v) {
        member(v).close().await();
        started.clear();
        FarmKeys reader = reader(v);
        store.putRaw(Space.SEEDS, SLOT + 1, "junk");
        reader.refresh().await();
        reader.refresh().await();
        reader.refresh().await();
        assertEquals(1, reader.status().damagedEntriesIgnored(), reader.status().toString());
        assertEquals(1, reader.status().damagedEntriesNow());
        assertTrue(reader.current().accepts(SLOT + 1), "the copy of the next slot is kept");
    }

    @Test
    void aClearedFarmIsPutBackWholeIncludingThePointer(Vertx v) {
        FarmKeys member = member(v);
        FarmKeys reader = reader(v);
        long rekeyed = member.rekey().await();
        byte[] before = Cookies.seal(member.current());
        store.clearAll();
        assertTrue(Cookies.opens(reader.refresh().await(), before));
        MasterKeyRing ring = member.refresh().await();
        assertEquals(rekeyed, ring.currentSlot());
        assertTrue(Cookies.opens(ring, before));
        assertEquals(rekeyed, Stores.pointer(store, SECRET), "the pointer is back");
        assertEquals(Set.of(SLOT, SLOT + 1, SLOT + 2), Stores.seeds(store, SECRET).keySet());
    }

    @Test
    void aReaderKeepsTheLastGoodSnapshotWhenEveryMemberIsGone(Vertx v) {
        FarmKeys member = member(v);
        FarmKeys reader = reader(v);
        byte[] cookie = Cookies.seal(member.current());
        member.close().await();
        started.remove(member);
        store.clearAll();
        store.putRaw(Space.SEEDS, SLOT, "junk");
        MasterKeyRing ring = reader.refresh().await();
        assertTrue(Cookies.opens(ring, cookie));
        assertEquals(Set.of(SLOT, SLOT + 1), ring.slots());
    }

    @Test
    void aPointerPastTheNextSlotIsIgnored(Vertx v) {
        FarmKeys member = member(v);
        FarmKeys reader = reader(v);
        // authentic bytes (a member's own, say, replayed from another farm era): still past the
        // next slot
        store.putRaw(
                Space.POINTER, FarmStore.POINTER_KEY, new FarmEntries(SECRET).pointer(SLOT + 5));
        assertEquals(SLOT, reader.refresh().await().currentSlot());
        assertEquals(SLOT, member.refresh().await().currentSlot());
        assertTrue(member.status().damagedEntriesIgnored() >= 1, member.status().toString());
        assertNull(Stores.pointer(store, SECRET), "the member took it away");
    }

    @Test
    void aMemberTenPeriodsAheadPrunesNothingAndMintsUnderTheFarmsSlot(Vertx v) {
        vertx = v;
        FarmKeys a = start(store.peer("a"), FarmKeys.Role.MEMBER, clock);
        MutableClock ahead = new MutableClock((SLOT + 10) * ROTATE + 5);
        FarmKeys b = start(store.peer("b"), FarmKeys.Role.MEMBER, ahead);
        assertEquals(SLOT, b.current().currentSlot());
        assertTrue(b.status().clockFarFromFarm(), b.status().toString());
        b.refresh().await();
        assertEquals(
                Set.of(SLOT, SLOT + 1),
                Stores.slots(store),
                "nothing pruned, nothing created ahead");
        assertTrue(Cookies.opens(a.refresh().await(), Cookies.seal(b.current())));
        assertFalse(a.status().clockFarFromFarm());

        // the farm's own rotation goes on, and the member ahead follows it
        clock.setSeconds((SLOT + 1) * ROTATE + 1);
        assertEquals(SLOT + 1, a.refresh().await().currentSlot());
        assertEquals(SLOT + 1, b.refresh().await().currentSlot());
        assertEquals(Set.of(SLOT, SLOT + 1, SLOT + 2), Stores.slots(store));
    }

    @Test
    void aMemberAloneAfterADowntimeMovesTheFarmByItsClock(Vertx v) {
        vertx = v;
        FarmKeys a = start(store.peer("a"), FarmKeys.Role.MEMBER, clock);
        a.close().await();
        started.remove(a);
        store.leave("a");
        store.leave("local");
        MutableClock later = new MutableClock((SLOT + 10) * ROTATE + 5);
        FarmKeys b = start(store.peer("b"), FarmKeys.Role.MEMBER, later);
        assertEquals(SLOT + 10, b.current().currentSlot());
        assertFalse(b.status().clockFarFromFarm());
    }

    @Test
    void aForgedFingerprintDoesNotStopAMemberWhoseSeedsOpen(Vertx v) {
        member(v).close().await();
        started.clear();
        store.putRaw(
                Space.FARM, FarmStore.FINGERPRINT_KEY, new FarmEntries(OTHER).fingerprintEntry());
        FarmKeys again = member(v);
        assertTrue(again.status().damagedEntriesIgnored() >= 1);
        assertTrue(
                new FarmEntries(SECRET)
                                .checkFingerprint(
                                        ((FarmStore.Present)
                                                        store.get(
                                                                Space.FARM,
                                                                FarmStore.FINGERPRINT_KEY))
                                                .value())
                        instanceof FarmEntries.SameSecret);
    }

    @Test
    void anotherSecretIsRefusedAndCreatesNothing(Vertx v) {
        member(v);
        Set<Long> before = Stores.slots(store);
        Throwable t =
                FarmKeysClusterTest.failure(
                        FarmKeys.start(
                                v,
                                store.peer("x"),
                                FarmKeys.Role.MEMBER,
                                options(clock).withFarmSecretFile(dir.resolve("farm.secret")),
                                OTHER,
                                new SecureRandom()));
        assertTrue(t instanceof FarmKeys.FarmSecretMismatch, String.valueOf(t));
        assertTrue(
                t.getMessage()
                        .startsWith(
                                "farmsecret "
                                        + dir.resolve("farm.secret")
                                        + ": not this farm's secret"),
                t.getMessage());
        assertEquals(before, Stores.slots(store));
    }
}
