package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyDumpTest {

    private static void assertSameSeeds(Map<Long, byte[]> expected, Map<Long, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((slot, seed) -> assertArrayEquals(seed, actual.get(slot), "slot " + slot));
    }

    @Property(tries = 100)
    void encodeThenDecodeGivesTheSeedsBack(
            @ForAll @IntRange(min = 0, max = 40) int count, @ForAll long seed) {
        Random r = new Random(seed);
        Map<Long, byte[]> seeds = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            seeds.put(
                    r.nextLong(0x1_0000_0000L),
                    TestKeys.insecureBytes(r.nextLong(), 16 + r.nextInt(49)));
        }
        KeyDump.Ok ok = assertInstanceOf(KeyDump.Ok.class, KeyDump.decode(KeyDump.encode(seeds)));
        assertSameSeeds(seeds, ok.seeds());
    }

    @Test
    void everyCorruptedDumpIsRejected() {
        byte[] good = KeyDump.encode(TestKeys.insecureSeeds(1, 5, 9));
        assertInstanceOf(KeyDump.Ok.class, KeyDump.decode(good));
        Random r = new Random(2);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 + r.nextInt(255));
            assertInstanceOf(KeyDump.Malformed.class, KeyDump.decode(bad), "flipped byte " + i);
        }
        for (int len = 0; len < good.length; len++) {
            assertInstanceOf(
                    KeyDump.Malformed.class,
                    KeyDump.decode(Arrays.copyOf(good, len)),
                    "truncated to " + len);
        }
        assertInstanceOf(
                KeyDump.Malformed.class, KeyDump.decode(Arrays.copyOf(good, good.length + 1)));
        assertInstanceOf(KeyDump.Malformed.class, KeyDump.decode(null));
    }

    @Test
    void aFutureVersionIsNamedAsSuch() {
        byte[] dump = KeyDump.encode(TestKeys.insecureSeeds(1, 5, 6));
        dump[9] = 2;
        KeyDump.Malformed m = assertInstanceOf(KeyDump.Malformed.class, KeyDump.decode(dump));
        assertEquals("key dump version 2 (expected: 1)", m.reason());
    }

    @Test
    void writesAtomicallyOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ntsfarm-keys");
        Map<Long, byte[]> seeds = TestKeys.insecureSeeds(3, 1, 3);
        dev.ntsfarm.core.file.PrivateFile.write(
                file, KeyDump.encode(TestKeys.insecureSeeds(4, 1, 2)));
        dev.ntsfarm.core.file.PrivateFile.write(file, KeyDump.encode(seeds));
        assertSameSeeds(
                seeds,
                assertInstanceOf(KeyDump.Ok.class, KeyDump.decode(Files.readAllBytes(file)))
                        .seeds());
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(1, Files.list(dir).count(), "no temporary file left behind");
    }
}
