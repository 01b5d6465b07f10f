package dev.ntsfarm.core.cookie;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of the farm's master keys (DESIGN section 3): slot numbers (u32, the cookie
 * key id) mapped to working keys derived by {@link CookieKeyDerivation} from the farm secret and
 * the slot's seed. Cookies are sealed under the current slot and open under any slot held here.
 * {@code toString} shows slot ids and counts only.
 */
public final class MasterKeyRing {

    /** Slots are u32 on the wire (the cookie's key id). */
    public static final long MAX_SLOT = 0xFFFF_FFFFL;

    /** Shortest seed accepted: the 128-bit strength of the AES it ends up keying. */
    public static final int MIN_SEED_LENGTH = 16;

    /** Longest seed accepted, bounding what a key dump may ask us to hold. */
    public static final int MAX_SEED_LENGTH = 64;

    private final long currentSlot;

    /** Slot ascending, with its working key. */
    private final long[] slots;

    private final byte[][] workingKeys;

    private MasterKeyRing(long currentSlot, long[] slots, byte[][] workingKeys) {
        this.currentSlot = currentSlot;
        this.slots = slots;
        this.workingKeys = workingKeys;
    }

    /**
     * A ring holding a working key for every seed given (the caller picked which slots to keep; see
     * {@link #of(FarmSecret, long, Map, int)} to keep current, next and past ones). Seeds are read,
     * not kept.
     *
     * @throws IllegalArgumentException when {@code seeds} has no seed for {@code currentSlot}, a
     *     slot is outside u32, or a seed's length is outside [{@value #MIN_SEED_LENGTH}, {@value
     *     #MAX_SEED_LENGTH}]
     */
    public static MasterKeyRing of(FarmSecret secret, long currentSlot, Map<Long, byte[]> seeds) {
        if (!seeds.containsKey(currentSlot)) {
            throw new IllegalArgumentException("no seed for the current slot " + currentSlot);
        }
        TreeMap<Long, byte[]> sorted = new TreeMap<>(seeds);
        long[] slots = new long[sorted.size()];
        byte[][] keys = new byte[sorted.size()][];
        int i = 0;
        for (Map.Entry<Long, byte[]> e : sorted.entrySet()) {
            long slot = e.getKey();
            byte[] seed = e.getValue();
            if (slot < 0 || slot > MAX_SLOT) {
                throw new IllegalArgumentException(
                        "slot " + slot + " (expected: 0.." + MAX_SLOT + ")");
            }
            if (seed.length < MIN_SEED_LENGTH || seed.length > MAX_SEED_LENGTH) {
                throw new IllegalArgumentException(
                        "seed of slot "
                                + slot
                                + " has "
                                + seed.length
                                + " bytes (expected: "
                                + MIN_SEED_LENGTH
                                + ".."
                                + MAX_SEED_LENGTH
                                + ")");
            }
            slots[i] = slot;
            keys[i] = CookieKeyDerivation.workingKey(secret, seed, slot);
            i++;
        }
        return new MasterKeyRing(currentSlot, slots, keys);
    }

    /**
     * A ring of the current slot, the next one and up to {@code pastSlots} before it, from those of
     * {@code seeds} (other seeds are ignored; a missing past or next slot is skipped, not an
     * error).
     */
    public static MasterKeyRing of(
            FarmSecret secret, long currentSlot, Map<Long, byte[]> seeds, int pastSlots) {
        Map<Long, byte[]> kept = new TreeMap<>();
        for (long s : slotsToKeep(currentSlot, pastSlots)) {
            byte[] seed = seeds.get(s);
            if (seed != null) {
                kept.put(s, seed);
            }
        }
        return of(secret, currentSlot, kept);
    }

    /**
     * The slots a ring keeps: {@code currentSlot - pastSlots} .. {@code currentSlot + 1}, within
     * u32.
     */
    public static Set<Long> slotsToKeep(long currentSlot, int pastSlots) {
        if (pastSlots < 0) {
            throw new IllegalArgumentException("pastSlots " + pastSlots + " (expected: >= 0)");
        }
        Set<Long> keep = new TreeSet<>();
        for (long s = Math.max(0, currentSlot - pastSlots);
                s <= Math.min(MAX_SLOT, currentSlot + 1);
                s++) {
            keep.add(s);
        }
        return keep;
    }

    /**
     * The time slot of {@code unixSeconds}: {@code floor(unix_seconds / rotate)} (DESIGN section
     * 3).
     */
    public static long slotAt(long unixSeconds, long rotateSeconds) {
        if (rotateSeconds <= 0) {
            throw new IllegalArgumentException("rotate " + rotateSeconds + " s (expected: > 0)");
        }
        return Math.floorDiv(unixSeconds, rotateSeconds);
    }

    /** The slot new cookies are sealed under. */
    public long currentSlot() {
        return currentSlot;
    }

    /** Whether this ring has a working key for {@code slot}. */
    public boolean accepts(long slot) {
        return indexOf(slot) >= 0;
    }

    /** The slots held, ascending. */
    public Set<Long> slots() {
        Set<Long> s = new TreeSet<>();
        for (long slot : slots) {
            s.add(slot);
        }
        return Collections.unmodifiableSet(s);
    }

    /** Number of slots held. */
    int size() {
        return slots.length;
    }

    long slotAtIndex(int i) {
        return slots[i];
    }

    /** The working key of the slot at index {@code i} (backing array, package only). */
    byte[] workingKeyAtIndex(int i) {
        return workingKeys[i];
    }

    int indexOf(long slot) {
        return Arrays.binarySearch(slots, slot);
    }

    @Override
    public String toString() {
        return "MasterKeyRing[current="
                + currentSlot
                + ", slots="
                + Arrays.toString(slots)
                + ", count="
                + slots.length
                + "]";
    }
}
