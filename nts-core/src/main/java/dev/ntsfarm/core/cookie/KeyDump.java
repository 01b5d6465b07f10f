package dev.ntsfarm.core.cookie;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The versioned file in which key-holding members keep the slot seeds across a whole-farm restart
 * (DESIGN section 3, {@code ntsdumpdir}). Binary, big-endian:
 *
 * <pre>
 *   magic     8    "NTSFKEYS" (ASCII)
 *   version   u16  {@value #VERSION}
 *   count     u16  number of entries, at most {@value #MAX_ENTRIES}
 *   entries   count times: slot u32 | seed length u8 | seed (16..64 bytes), slots strictly ascending
 *   checksum  32   SHA-256 of every byte before it
 * </pre>
 *
 * Nothing may follow the checksum. {@link #decode} never throws on bad input: it says what is
 * wrong.
 */
public final class KeyDump {

    static final byte[] MAGIC = "NTSFKEYS".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;

    /** Bounds what a dump may ask us to hold: years of hourly slots would still fit. */
    public static final int MAX_ENTRIES = 4096;

    private static final int HEADER = 8 + 2 + 2;
    private static final int CHECKSUM = 32;

    private KeyDump() {}

    /** What {@link #decode} found. */
    public sealed interface Decoded permits Ok, Malformed {}

    /** A dump that checked out: slot to seed, ascending. */
    public record Ok(SortedMap<Long, byte[]> seeds) implements Decoded {
        @Override
        public String toString() {
            return "Ok[slots=" + seeds.keySet() + "]";
        }
    }

    /** A dump that did not; {@code reason} says where, never with key bytes. */
    public record Malformed(String reason) implements Decoded {}

    /**
     * The dump of {@code seeds}.
     *
     * @throws IllegalArgumentException for a slot outside u32, a seed length outside 16..64 or too
     *     many entries (a bug in the caller: rings hold no such thing)
     */
    public static byte[] encode(Map<Long, byte[]> seeds) {
        if (seeds.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(
                    seeds.size() + " entries (expected: at most " + MAX_ENTRIES + ")");
        }
        TreeMap<Long, byte[]> sorted = new TreeMap<>(seeds);
        int size = HEADER + CHECKSUM;
        for (Map.Entry<Long, byte[]> e : sorted.entrySet()) {
            checkEntry(e.getKey(), e.getValue().length);
            size += 4 + 1 + e.getValue().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) sorted.size());
        for (Map.Entry<Long, byte[]> e : sorted.entrySet()) {
            b.putInt((int) (long) e.getKey()).put((byte) e.getValue().length).put(e.getValue());
        }
        b.put(sha256(b.array(), 0, size - CHECKSUM));
        return b.array();
    }

    /** Reads a dump; never throws on bad input. */
    public static Decoded decode(byte[] dump) {
        if (dump == null || dump.length < HEADER + CHECKSUM) {
            return new Malformed(
                    "too short for a key dump (" + (dump == null ? 0 : dump.length) + " bytes)");
        }
        if (!Arrays.equals(dump, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return new Malformed("not a key dump (bad magic)");
        }
        int version = u16(dump, 8);
        if (version != VERSION) {
            return new Malformed("key dump version " + version + " (expected: " + VERSION + ")");
        }
        int bodyEnd = dump.length - CHECKSUM;
        if (!MessageDigest.isEqual(
                sha256(dump, 0, bodyEnd), Arrays.copyOfRange(dump, bodyEnd, dump.length))) {
            return new Malformed("checksum mismatch");
        }
        int count = u16(dump, 10);
        if (count > MAX_ENTRIES) {
            return new Malformed(count + " entries (expected: at most " + MAX_ENTRIES + ")");
        }
        TreeMap<Long, byte[]> seeds = new TreeMap<>();
        int pos = HEADER;
        long previous = -1;
        for (int i = 0; i < count; i++) {
            if (bodyEnd - pos < 5) {
                return new Malformed("entry " + i + " truncated");
            }
            long slot =
                    ((dump[pos] & 0xffL) << 24)
                            | ((dump[pos + 1] & 0xff) << 16)
                            | ((dump[pos + 2] & 0xff) << 8)
                            | (dump[pos + 3] & 0xff);
            int seedLen = dump[pos + 4] & 0xff;
            pos += 5;
            if (seedLen < MasterKeyRing.MIN_SEED_LENGTH
                    || seedLen > MasterKeyRing.MAX_SEED_LENGTH) {
                return new Malformed(
                        "entry "
                                + i
                                + " seed length "
                                + seedLen
                                + " (expected: "
                                + MasterKeyRing.MIN_SEED_LENGTH
                                + ".."
                                + MasterKeyRing.MAX_SEED_LENGTH
                                + ")");
            }
            if (slot <= previous) {
                return new Malformed("entry " + i + " slot " + slot + " not after " + previous);
            }
            if (bodyEnd - pos < seedLen) {
                return new Malformed("entry " + i + " seed truncated");
            }
            seeds.put(slot, Arrays.copyOfRange(dump, pos, pos + seedLen));
            pos += seedLen;
            previous = slot;
        }
        if (pos != bodyEnd) {
            return new Malformed((bodyEnd - pos) + " bytes after the last entry");
        }
        return new Ok(Collections.unmodifiableSortedMap(seeds));
    }

    private static void checkEntry(long slot, int seedLen) {
        if (slot < 0 || slot > MasterKeyRing.MAX_SLOT) {
            throw new IllegalArgumentException(
                    "slot " + slot + " (expected: 0.." + MasterKeyRing.MAX_SLOT + ")");
        }
        if (seedLen < MasterKeyRing.MIN_SEED_LENGTH || seedLen > MasterKeyRing.MAX_SEED_LENGTH) {
            throw new IllegalArgumentException(
                    "seed of slot "
                            + slot
                            + " has "
                            + seedLen
                            + " bytes (expected: "
                            + MasterKeyRing.MIN_SEED_LENGTH
                            + ".."
                            + MasterKeyRing.MAX_SEED_LENGTH
                            + ")");
        }
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static byte[] sha256(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
