package dev.ntsfarm.farm.keys;

import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.farm.keys.FarmStore.Space;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** What a store holds, read the way a test checks it. */
final class Stores {

    private Stores() {}

    /** Every slot key of the seeds map. */
    static Set<Long> slots(FarmStore store) {
        Set<Long> slots = new TreeSet<>();
        for (Object k : store.keys(Space.SEEDS).readable()) {
            if (k instanceof Long l) {
                slots.add(l);
            }
        }
        return slots;
    }

    /** The seeds that open under {@code secret}, by slot. */
    static SortedMap<Long, byte[]> seeds(FarmStore store, FarmSecret secret) {
        FarmEntries entries = new FarmEntries(secret);
        SortedMap<Long, byte[]> out = new TreeMap<>();
        for (long s : slots(store)) {
            if (store.get(Space.SEEDS, s) instanceof FarmStore.Present p
                    && entries.openSeed(s, p.value()) instanceof FarmEntries.Valid<byte[]> v) {
                out.put(s, v.value());
            }
        }
        return out;
    }

    /** The valid pointer's slot, or null. */
    static Long pointer(FarmStore store, FarmSecret secret) {
        if (store.get(Space.POINTER, FarmStore.POINTER_KEY) instanceof FarmStore.Present p
                && new FarmEntries(secret).openPointer(p.value())
                        instanceof FarmEntries.Valid<Long> v) {
            return v.value();
        }
        return null;
    }
}
