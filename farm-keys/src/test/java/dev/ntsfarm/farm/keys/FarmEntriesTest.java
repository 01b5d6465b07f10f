package dev.ntsfarm.farm.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ntsfarm.core.cookie.FarmSecret;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every entry round-trips under its secret and fails under any change: a flipped byte, a cut,
 * another key.
 */
class FarmEntriesTest {

    private static final FarmEntries ENTRIES =
            new FarmEntries(FarmSecret.of("entries test secret, 32+ bytes long".getBytes()));
    private static final FarmEntries OTHER =
            new FarmEntries(FarmSecret.of("another secret entirely, 32+ bytes".getBytes()));

    @Test
    void roundTrips() {
        byte[] seed = new byte[32];
        new Random(1).nextBytes(seed);
        assertArrayEquals(
                seed,
                ((FarmEntries.Valid<byte[]>) ENTRIES.openSeed(7, ENTRIES.seed(7, seed))).value());
        assertEquals(
                0xFFFF_FFFEL,
                ((FarmEntries.Valid<Long>) ENTRIES.openPointer(ENTRIES.pointer(0xFFFF_FFFEL)))
                        .value());
        assertEquals(
                new FarmEntries.Presence(9, 1234),
                ((FarmEntries.Valid<FarmEntries.Presence>)
                                ENTRIES.openPresence("m", ENTRIES.presence("m", 9, 1234)))
                        .value());
        assertInstanceOf(
                FarmEntries.SameSecret.class, ENTRIES.checkFingerprint(ENTRIES.fingerprintEntry()));
        assertInstanceOf(
                FarmEntries.OtherSecret.class, ENTRIES.checkFingerprint(OTHER.fingerprintEntry()));
        byte[] body = "counters".getBytes();
        assertArrayEquals(
                body,
                ((FarmEntries.Valid<byte[]>)
                                ENTRIES.openBoard(
                                        "127.0.0.1:5701", ENTRIES.board("127.0.0.1:5701", body)))
                        .value());
        assertArrayEquals(
                new byte[0],
                ((FarmEntries.Valid<byte[]>)
                                ENTRIES.openBoard("c", ENTRIES.board("c", new byte[0])))
                        .value());
    }

    @Test
    void anyFlippedByteOrCutFailsAndNothingThrows() {
        Random random = new Random(8915);
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        byte[] s = ENTRIES.seed(5, seed);
        byte[] p = ENTRIES.pointer(5);
        byte[] m = ENTRIES.presence("member", 5, 500);
        byte[] b = ENTRIES.board("member", "a process's counters".getBytes());
        for (int i = 0; i < 10_000; i++) {
            assertInstanceOf(FarmEntries.Damaged.class, ENTRIES.openSeed(5, corrupt(s, random)));
            assertInstanceOf(FarmEntries.Damaged.class, ENTRIES.openPointer(corrupt(p, random)));
            assertInstanceOf(
                    FarmEntries.Damaged.class, ENTRIES.openPresence("member", corrupt(m, random)));
            assertInstanceOf(
                    FarmEntries.Damaged.class, ENTRIES.openBoard("member", corrupt(b, random)));
        }
    }

    @Test
    void anEntryElsewhereOrUnderAnotherSecretFails() {
        byte[] seed = new byte[16];
        assertInstanceOf(FarmEntries.Damaged.class, ENTRIES.openSeed(6, ENTRIES.seed(5, seed)));
        assertInstanceOf(FarmEntries.Damaged.class, ENTRIES.openSeed(5, OTHER.seed(5, seed)));
        assertInstanceOf(FarmEntries.Damaged.class, ENTRIES.openPointer(OTHER.pointer(5)));
        assertInstanceOf(
                FarmEntries.Damaged.class, ENTRIES.openPresence("b", ENTRIES.presence("a", 5, 1)));
        assertInstanceOf(FarmEntries.Damaged.class, ENTRIES.openSeed(5, "a string"));
        assertInstanceOf(FarmEntries.Damaged.class, ENTRIES.openPointer(5L));
        assertInstanceOf(
                FarmEntries.Damaged.class, ENTRIES.openBoard("b", ENTRIES.board("a", new byte[8])));
        assertInstanceOf(
                FarmEntries.Damaged.class, ENTRIES.openBoard("a", OTHER.board("a", new byte[8])));
        assertInstanceOf(
                FarmEntries.Damaged.class, ENTRIES.openBoard("a", ENTRIES.presence("a", 5, 1)));
        assertInstanceOf(FarmEntries.Damaged.class, ENTRIES.openBoard("a", "a string"));
        assertInstanceOf(
                FarmEntries.DamagedFingerprint.class, ENTRIES.checkFingerprint(new byte[34]));
    }

    /** One flipped bit, or a cut, or a byte added. */
    private static byte[] corrupt(byte[] entry, Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] c = entry.clone();
                c[random.nextInt(c.length)] ^= (byte) (1 << random.nextInt(8));
                yield c;
            }
            case 1 -> Arrays.copyOf(entry, random.nextInt(entry.length));
            default -> Arrays.copyOf(entry, entry.length + 1 + random.nextInt(8));
        };
    }
}
