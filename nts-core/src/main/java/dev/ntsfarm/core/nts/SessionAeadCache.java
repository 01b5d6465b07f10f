package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * AEAD instances of one algorithm already bound to recently used session keys (C2S or S2C), so a
 * client polling the same event loop for its whole NTS session costs no key schedule per request.
 * Re-binding an AES-SIV instance ({@link Aead#init}) copies the key and expands the AES key
 * schedule inside the JDK, about a microsecond and 1.1 KB of garbage per key; a hit here does
 * neither and allocates nothing.
 *
 * <p>Admission: a key takes an entry on its second sighting only, as TinyLFU's doorkeeper admits.
 * The first re-keys one instance kept apart for the purpose, whose AES runs in Java and re-keys in
 * place ({@link Aead#forSingleUse}: no allocation, so a flood of new sessions makes no garbage),
 * and leaves the key's hash tag in a small table of ghosts, {@value #GHOSTS_PER_ENTRY} per entry.
 * More sessions than entries, polling in turn, would otherwise evict and re-key cold entries on
 * every request: measured twice as slow as re-keying the one hot instance (7.1 against 3.7 us a
 * request for AEAD 15), and it churns the old generation.
 *
 * <p>Layout: {@code capacity} entries (a power of two) in sets of up to {@value #WAYS} ways; a key
 * goes to the set its hash picks, and a full set evicts by CLOCK (a way used since the hand last
 * passed is spared once; a new entry starts unused, so a flood of one-off sessions evicts itself
 * before it evicts clients that came back). The hash runs over every key byte, seeded per instance
 * so no outsider can aim keys at one set; equal hashes are confirmed by a constant-time comparison
 * of the stored key copy.
 *
 * <p>Memory per entry, filled: the AEAD instance (about 3.5 KB for AES-SIV-CMAC-256, 4.3 KB for
 * -512, with the JDK's ciphers and key schedules; about 0.5 KB for AES-128-GCM-SIV) plus the key
 * copy; empty entries cost a few bytes of table, and ghosts 16 bytes per entry. Instances are made
 * on first use of an entry.
 *
 * <p>Key copies live only in this class's private arrays; {@code toString} shows sizes only. An
 * evicted copy is zeroed before its instance is re-bound. Not thread-safe: one per thread.
 */
final class SessionAeadCache {

    /**
     * Ways per set: enough choice for CLOCK, few enough that a lookup scans one cache line of
     * hashes.
     */
    static final int WAYS = 8;

    /**
     * Ghost tags per entry: 4 bytes each, so a client's second poll finds its ghost after 4x as
     * many new keys.
     */
    static final int GHOSTS_PER_ENTRY = 4;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private final AeadAlgorithm alg;
    private final int keyLength;
    private final int ways;
    private final int setMask;
    private final long seed;
    private final Aead[] aeads;
    private final byte[][] keys;

    /** The upper half of each bound key's hash ({@link #tag}), compared before the key itself. */
    private final int[] tags;

    private final boolean[] bound;
    private final boolean[] used;

    /** The CLOCK hand of each set, a way index. */
    private final int[] hands;

    /**
     * Tags of keys seen once and not admitted, by hash; a stale or colliding tag only admits early.
     */
    private final int[] ghosts;

    private final int ghostMask;
    private boolean ghostToggle;

    /** Re-keyed for each key on its first sighting; made on first use. */
    private Aead firstSight;

    private long hits;
    private long misses;

    /**
     * @param capacity entries, at least 1; rounded up to a power of two
     * @param seed the hash seed, secret and random in production
     */
    SessionAeadCache(AeadAlgorithm alg, int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " (expected: at least 1)");
        }
        this.alg = alg;
        this.keyLength = alg.keyLength();
        int entries = roundUpToPowerOfTwo(capacity);
        this.ways = Math.min(WAYS, entries);
        this.setMask = entries / ways - 1;
        this.seed = seed;
        this.aeads = new Aead[entries];
        this.keys = new byte[entries][];
        this.tags = new int[entries];
        this.bound = new boolean[entries];
        this.used = new boolean[entries];
        this.hands = new int[entries / ways];
        this.ghosts = new int[entries * GHOSTS_PER_ENTRY];
        this.ghostMask = ghosts.length - 1;
    }

    /**
     * The instance bound to the {@code alg.keyLength()} bytes of {@code key} at {@code off}: a
     * cached one when this key is held; else, on its second recent sighting, an evicted entry
     * re-bound to it; else the first-sighting instance re-bound to it. Valid until the next call
     * (that call may re-bind it).
     */
    Aead aead(byte[] key, int off) {
        long h = hash(seed, key, off, keyLength);
        int tag = tag(h);
        int base = ((int) h & setMask) * ways;
        for (int i = base; i < base + ways; i++) {
            if (bound[i] && tags[i] == tag && equal(keys[i], key, off)) {
                used[i] = true;
                hits++;
                return aeads[i];
            }
        }
        misses++;
        // two places per ghost, so two keys sharing one cannot keep pushing each other out
        int g1 = (int) h & ghostMask;
        int g2 = (int) (h >>> 12) & ghostMask;
        if (ghosts[g1] == tag) {
            ghosts[g1] = 0;
        } else if (ghosts[g2] == tag) {
            ghosts[g2] = 0;
        } else {
            ghostToggle = !ghostToggle;
            ghosts[ghosts[g1] == 0 || (ghostToggle && ghosts[g2] != 0) ? g1 : g2] = tag;
            return firstSight(key, off);
        }
        return bind(victim(base), key, off, tag);
    }

    private Aead firstSight(byte[] key, int off) {
        if (firstSight == null) {
            // AES in Java for keys seen once: re-keyed in place, so a new session allocates nothing
            firstSight = Aead.forSingleUse(alg);
        }
        firstSight.init(key, off);
        return firstSight;
    }

    /**
     * An unbound way of the set at {@code base}, else the first way CLOCK finds unused since last
     * time.
     */
    private int victim(int base) {
        for (int i = base; i < base + ways; i++) {
            if (!bound[i]) {
                return i;
            }
        }
        int set = base / ways;
        int hand = hands[set];
        while (used[base + hand]) {
            used[base + hand] = false;
            hand = (hand + 1) % ways;
        }
        hands[set] = (hand + 1) % ways;
        return base + hand;
    }

    private Aead bind(int i, byte[] key, int off, int tag) {
        byte[] copy = keys[i];
        if (copy == null) {
            copy = new byte[keyLength];
            keys[i] = copy;
        } else {
            Arrays.fill(copy, (byte) 0);
        }
        bound[i] = false; // stays unbound if init fails
        used[i] = false;
        Aead a = aeads[i];
        if (a == null) {
            a = Aead.of(alg, Arrays.copyOfRange(key, off, off + keyLength));
            aeads[i] = a;
        } else {
            a.init(key, off);
        }
        System.arraycopy(key, off, copy, 0, keyLength);
        tags[i] = tag;
        bound[i] = true;
        return a;
    }

    /**
     * Seeded multiply-xor over the key's 8-byte words (every NTS key length is a multiple of 8),
     * then a 64-bit finaliser.
     */
    static long hash(long seed, byte[] key, int off, int keyLength) {
        long h = seed ^ keyLength;
        for (int i = 0; i < keyLength; i += Long.BYTES) {
            h = (h ^ (long) LONGS.get(key, off + i)) * GOLDEN;
            h ^= h >>> 29;
        }
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        return h ^ (h >>> 33);
    }

    static int tag(long hash) {
        return (int) (hash >>> 32);
    }

    /** Constant time in the key bytes, as {@code MessageDigest.isEqual}, on a slice. */
    private boolean equal(byte[] stored, byte[] key, int off) {
        int diff = 0;
        for (int i = 0; i < keyLength; i++) {
            diff |= stored[i] ^ key[off + i];
        }
        return diff == 0;
    }

    /** Lookups that found their key bound. */
    long hits() {
        return hits;
    }

    /** Lookups that re-bound an entry. */
    long misses() {
        return misses;
    }

    int capacity() {
        return aeads.length;
    }

    private static int roundUpToPowerOfTwo(int n) {
        int p = Integer.highestOneBit(n);
        return p == n ? n : p << 1;
    }

    @Override
    public String toString() {
        return "SessionAeadCache[" + alg + ", " + aeads.length + " entries, " + ways + " ways]";
    }
}
