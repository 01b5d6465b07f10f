package dev.ntsfarm.farm.keys;

import com.hazelcast.core.HazelcastInstance;
import java.util.Map;
import java.util.Set;

/**
 * The farm's shared seeds and current-slot pointer (DESIGN section 3): in Hazelcast for a farm, in
 * memory for a standalone server or a test. Calls may block on the network: {@link FarmKeys} makes
 * them on its worker thread only. Every write is first-writer-wins or compare-and-set, so members
 * converge without a lock.
 */
public interface SeedStore {

    /** Name of the Hazelcast map of slot (Long) to seed (byte[]). */
    String SEEDS_MAP = "ntsfarm.seeds";
    /** Name of the Hazelcast map holding the current-slot pointer under {@link #POINTER_KEY}. */
    String POINTER_MAP = "ntsfarm.seeds.pointer";
    /** The pointer's key. */
    String POINTER_KEY = "current";

    /** The seeds of a farm's cluster (a member's or a client's instance). */
    static SeedStore hazelcast(HazelcastInstance instance) {
        return new HazelcastSeedStore(instance);
    }

    /** Seeds kept in this process only. */
    static SeedStore local() {
        return new LocalSeedStore();
    }

    /** The current-slot pointer set by {@code rekey}, or {@code null} when never set. */
    Long pointer();

    /**
     * Moves the pointer from {@code expected} ({@code null}: unset) to {@code next} in one atomic
     * step; {@code false} when another writer got there first.
     */
    boolean advancePointer(Long expected, long next);

    /** Stores {@code seed} for {@code slot} unless one is there; returns the seed already there, or {@code null}. */
    byte[] putIfAbsent(long slot, byte[] seed);

    /** The seeds present among {@code slots}. */
    Map<Long, byte[]> getAll(Set<Long> slots);

    /** Every slot that has a seed. */
    Set<Long> slots();

    /** Removes the seed of {@code slot}; removing an absent one is no error. */
    void remove(long slot);

    /** Calls {@code onChange} (on any thread) whenever a seed or the pointer changes; returns the undo. */
    Registration listen(Runnable onChange);

    /** Undoes a {@link #listen}. */
    @FunctionalInterface
    interface Registration {
        void cancel();
    }
}
