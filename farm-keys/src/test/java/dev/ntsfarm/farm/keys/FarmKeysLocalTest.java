package dev.ntsfarm.farm.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slots, rotation, retention, rekey, dump and reload on an in-process store with a hand-moved
 * clock.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class FarmKeysLocalTest {

    private static final long ROTATE = 100;
    private static final long SLOT = 1000;

    private final MutableClock clock = new MutableClock(SLOT * ROTATE + 5);
    private final FarmSecret secret =
            FarmSecret.of(
                    new byte[] {
                        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                    });
    private FarmKeys keys;

    @TempDir Path dir;

    private FarmKeyOptions options() {
        return FarmKeyOptions.defaults().withRotateSeconds(ROTATE).withClock(clock);
    }

    @AfterEach
    void close() {
        if (keys != null) {
            keys.close().await();
        }
    }

    @Test
    void currentAndNextSlotExistAtStart(Vertx vertx) {
        LocalFarmStore store = new LocalFarmStore();
        keys =
                FarmKeys.start(
                                vertx,
                                store,
                                FarmKeys.Role.MEMBER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        MasterKeyRing ring = keys.current();
        assertEquals(SLOT, ring.currentSlot());
        assertEquals(Set.of(SLOT, SLOT + 1), ring.slots());
        assertEquals(Set.of(SLOT, SLOT + 1), Stores.slots(store));
        assertEquals(SLOT, Cookies.keyId(Cookies.seal(ring)));
    }

    @Test
    void rotationMovesTheCurrentSlotAndRetentionEndsOldSlots(Vertx vertx) {
        LocalFarmStore store = new LocalFarmStore();
        keys =
                FarmKeys.start(
                                vertx,
                                store,
                                FarmKeys.Role.MEMBER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        byte[] old = Cookies.seal(keys.current());

        for (long s = 1; s <= 2; s++) {
            clock.setSeconds((SLOT + s) * ROTATE);
            MasterKeyRing ring = keys.refresh().await();
            assertEquals(SLOT + s, ring.currentSlot());
            assertTrue(
                    Cookies.opens(ring, old),
                    "slot " + SLOT + " is within 2 past slots of " + (SLOT + s));
        }
        clock.setSeconds((SLOT + 3) * ROTATE);
        MasterKeyRing ring = keys.refresh().await();
        assertEquals(SLOT + 3, ring.currentSlot());
        assertEquals(Set.of(SLOT + 1, SLOT + 2, SLOT + 3, SLOT + 4), ring.slots());
        assertFalse(Cookies.opens(ring, old), "three slots back is past retention");
        assertFalse(
                Stores.slots(store).contains(SLOT),
                "the member removed the expired seed from the store");
    }

    @Test
    void retentionIsConfigurable(Vertx vertx) {
        keys =
                FarmKeys.start(
                                vertx,
                                FarmStore.local(),
                                FarmKeys.Role.MEMBER,
                                options().withPastSlots(0),
                                secret,
                                new SecureRandom())
                        .await();
        byte[] old = Cookies.seal(keys.current());
        clock.setSeconds((SLOT + 1) * ROTATE);
        MasterKeyRing ring = keys.refresh().await();
        assertEquals(Set.of(SLOT + 1, SLOT + 2), ring.slots());
        assertFalse(Cookies.opens(ring, old));
    }

    @Test
    void rekeyAdvancesThePointerAheadOfTime(Vertx vertx) {
        LocalFarmStore store = new LocalFarmStore();
        keys =
                FarmKeys.start(
                                vertx,
                                store,
                                FarmKeys.Role.MEMBER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        byte[] before = Cookies.seal(keys.current());

        assertEquals(SLOT + 1, keys.rekey().await());
        assertEquals(SLOT + 1, Stores.pointer(store, secret));
        MasterKeyRing ring = keys.current();
        assertEquals(SLOT + 1, ring.currentSlot());
        assertTrue(ring.accepts(SLOT + 2), "the new next slot exists");
        assertTrue(Cookies.opens(ring, before));
        assertEquals(SLOT + 1, Cookies.keyId(Cookies.seal(ring)));

        // time reaching the pointer's slot changes nothing; the boundary after it rotates again
        clock.setSeconds((SLOT + 1) * ROTATE + 1);
        assertEquals(SLOT + 1, keys.refresh().await().currentSlot());
        clock.setSeconds((SLOT + 2) * ROTATE + 1);
        assertEquals(SLOT + 2, keys.refresh().await().currentSlot());
    }

    @Test
    void aRingIsKeptWhenNothingChanged(Vertx vertx) {
        keys =
                FarmKeys.start(
                                vertx,
                                FarmStore.local(),
                                FarmKeys.Role.MEMBER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        MasterKeyRing first = keys.current();
        assertSame(
                first,
                keys.refresh().await(),
                "codecs are rebuilt only when the ring object changes");
        clock.setSeconds((SLOT + 1) * ROTATE);
        assertNotSame(first, keys.refresh().await());
    }

    @Test
    void aDumpBringsTheSeedsBackAfterAWholeFarmRestart(Vertx vertx) throws Exception {
        FarmKeyOptions opts = options().withDumpDir(dir.resolve("dump"));
        keys =
                FarmKeys.start(
                                vertx,
                                FarmStore.local(),
                                FarmKeys.Role.MEMBER,
                                opts,
                                secret,
                                new SecureRandom())
                        .await();
        keys.rekey().await();
        byte[] cookie = Cookies.seal(keys.current());
        keys.close().await();

        Path file = opts.dumpFile().orElseThrow();
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.exists(file.resolveSibling(file.getFileName() + ".tmp")));

        // a new, empty store: every member went down
        FarmStore fresh = FarmStore.local();
        keys =
                FarmKeys.start(vertx, fresh, FarmKeys.Role.MEMBER, opts, secret, new SecureRandom())
                        .await();
        assertEquals(SLOT + 1, keys.current().currentSlot(), "the rekeyed slot is current again");
        assertTrue(
                Cookies.opens(keys.current(), cookie), "a cookie minted before the restart opens");

        // and without the dump the same restart loses it
        keys.close().await();
        keys =
                FarmKeys.start(
                                vertx,
                                FarmStore.local(),
                                FarmKeys.Role.MEMBER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        assertFalse(Cookies.opens(keys.current(), cookie));
    }

    @Test
    void aDamagedDumpIsIgnored(Vertx vertx) throws Exception {
        FarmKeyOptions opts = options().withDumpDir(dir);
        Files.write(
                opts.dumpFile().orElseThrow(),
                new byte[] {'N', 'T', 'S', 'F', 'K', 'E', 'Y', 'S', 0, 9});
        keys =
                FarmKeys.start(
                                vertx,
                                FarmStore.local(),
                                FarmKeys.Role.MEMBER,
                                opts,
                                secret,
                                new SecureRandom())
                        .await();
        assertEquals(SLOT, keys.current().currentSlot());
        assertTrue(Files.size(opts.dumpFile().orElseThrow()) > 10, "replaced by a good dump");
    }

    @Test
    void aReaderCreatesNothingAndCannotRekey(Vertx vertx) {
        LocalFarmStore store = new LocalFarmStore();
        FarmKeys member =
                FarmKeys.start(
                                vertx,
                                store,
                                FarmKeys.Role.MEMBER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        keys =
                FarmKeys.start(
                                vertx,
                                store,
                                FarmKeys.Role.READER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        byte[] cookie = Cookies.seal(member.current());
        assertTrue(Cookies.opens(keys.current(), cookie));
        assertTrue(keys.rekey().failed());
        member.close().await();
    }

    @Test
    void anUnreachableStoreKeepsTheSnapshotUntilItsKeysExpire(Vertx vertx) {
        LocalFarmStore store = new LocalFarmStore();
        FarmKeys member =
                FarmKeys.start(
                                vertx,
                                store,
                                FarmKeys.Role.MEMBER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        FlakyStore flaky = new FlakyStore(store);
        keys =
                FarmKeys.start(
                                vertx,
                                flaky,
                                FarmKeys.Role.READER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        byte[] cookie = Cookies.seal(member.current());
        member.close().await();

        flaky.down = true;
        clock.setSeconds((SLOT + 1) * ROTATE);
        MasterKeyRing ring = keys.refresh().await();
        assertFalse(keys.reachable());
        assertEquals(
                SLOT + 1, ring.currentSlot(), "the next slot's seed was seen before the outage");
        assertTrue(Cookies.opens(ring, cookie));

        clock.setSeconds((SLOT + 4) * ROTATE);
        ring = keys.refresh().await();
        assertFalse(Cookies.opens(ring, cookie), "past retention even without the store");
        assertFalse(ring.accepts(SLOT + 1));

        flaky.down = false;
        keys.refresh().await();
        assertTrue(keys.reachable());
    }

    @Test
    void toStringNeverShowsSeeds(Vertx vertx) {
        LocalFarmStore store = new LocalFarmStore();
        keys =
                FarmKeys.start(
                                vertx,
                                store,
                                FarmKeys.Role.MEMBER,
                                options(),
                                secret,
                                new SecureRandom())
                        .await();
        String shown = keys + " " + keys.current() + " " + store + " " + secret + " " + options();
        for (byte[] seed : Stores.seeds(store, secret).values()) {
            assertFalse(shown.toLowerCase().contains(HexFormat.of().formatHex(seed, 0, 4)), shown);
            assertFalse(
                    shown.contains(Arrays.toString(Arrays.copyOf(seed, 4)).replace("]", "")),
                    shown);
            assertFalse(
                    shown.contains(
                            java.util.Base64.getEncoder().encodeToString(Arrays.copyOf(seed, 6))),
                    shown);
        }
        assertTrue(shown.contains(String.valueOf(SLOT)), "slot ids are shown: " + shown);
    }

    /** A store that can be cut off. */
    private static final class FlakyStore implements FarmStore {
        private final FarmStore inner;
        volatile boolean down;

        FlakyStore(FarmStore inner) {
            this.inner = inner;
        }

        private void check() {
            if (down) {
                throw new IllegalStateException("cluster unreachable (test)");
            }
        }

        @Override
        public Read get(Space space, Object key) {
            check();
            return inner.get(space, key);
        }

        @Override
        public boolean putIfAbsent(Space space, Object key, byte[] value) {
            check();
            return inner.putIfAbsent(space, key, value);
        }

        @Override
        public void set(Space space, Object key, byte[] value) {
            check();
            inner.set(space, key, value);
        }

        @Override
        public boolean replace(Space space, Object key, byte[] expected, byte[] value) {
            check();
            return inner.replace(space, key, expected, value);
        }

        @Override
        public void remove(Space space, Object key) {
            check();
            inner.remove(space, key);
        }

        @Override
        public Keys keys(Space space) {
            check();
            return inner.keys(space);
        }

        @Override
        public String localMemberId() {
            return null;
        }

        @Override
        public Set<String> liveMemberIds() {
            check();
            return inner.liveMemberIds();
        }

        @Override
        public Registration listen(Runnable onChange) {
            return inner.listen(onChange);
        }
    }

    @BeforeEach
    void noKeysYet() {
        keys = null;
    }
}
