package dev.ntsfarm.farm.keys;

import com.hazelcast.core.HazelcastInstance;
import java.util.Set;

/**
 * The farm's shared entries (DESIGN section 3): in Hazelcast for a farm, in memory for a standalone
 * server or a test. Values are raw: whatever a peer put there, which {@link FarmKeys} checks with
 * {@link FarmEntries} before it believes any of it. Calls may block on the network: {@link
 * FarmKeys} makes them on its worker thread only. A value that cannot be read at all (a type this
 * process refuses to deserialize) comes back as {@link Unreadable}, never as an exception; an
 * exception means the store itself could not be reached.
 */
public interface FarmStore {

    /** The maps of the farm, by their Hazelcast names. */
    enum Space {
        /** slot (Long) to seed entry. */
        SEEDS("ntsfarm.seeds"),
        /** {@link #POINTER_KEY} to the current-slot pointer entry. */
        POINTER("ntsfarm.seeds.pointer"),
        /** {@link #FINGERPRINT_KEY} to the farm secret's fingerprint entry. */
        FARM("ntsfarm.farm"),
        /** member id (String) to that member's presence entry (its clock). */
        MEMBERS("ntsfarm.members");

        final String mapName;

        Space(String mapName) {
            this.mapName = mapName;
        }

        /** The Hazelcast map name. */
        public String mapName() {
            return mapName;
        }
    }

    /** The pointer's key in {@link Space#POINTER}. */
    String POINTER_KEY = "current";

    /** The fingerprint's key in {@link Space#FARM}. */
    String FINGERPRINT_KEY = "fingerprint";

    /** What a read found. */
    sealed interface Read permits Absent, Present, Unreadable {}

    /** No entry. */
    record Absent() implements Read {}

    /** An entry of any type. */
    record Present(Object value) implements Read {
        @Override
        public String toString() {
            return "Present[" + (value == null ? "null" : value.getClass().getSimpleName()) + "]";
        }
    }

    /** An entry this process would not or could not deserialize. */
    record Unreadable(String reason) implements Read {}

    /** The keys of a space that could be read, and whether some could not. */
    record Keys(Set<Object> readable, boolean someUnreadable) {}

    /** The entries of a farm's cluster (a member's or a client's instance). */
    static FarmStore hazelcast(HazelcastInstance instance) {
        return new HazelcastFarmStore(instance);
    }

    /** Entries kept in this process only. */
    static FarmStore local() {
        return new LocalFarmStore();
    }

    Read get(Space space, Object key);

    /** Stores {@code value} unless {@code key} has an entry; whether it did. */
    boolean putIfAbsent(Space space, Object key, byte[] value);

    /** Stores {@code value} whatever was there. */
    void set(Space space, Object key, byte[] value);

    /**
     * Replaces {@code expected} (by content) with {@code value} in one atomic step; whether it did.
     */
    boolean replace(Space space, Object key, byte[] expected, byte[] value);

    /** Removes the entry of {@code key}; removing an absent one is no error. */
    void remove(Space space, Object key);

    /** Every key of the space. */
    Keys keys(Space space);

    /** This process's id among the members (a Hazelcast member UUID), or null for a client. */
    String localMemberId();

    /**
     * The ids of the members in the cluster now (authentic to the extent the cluster's membership
     * is).
     */
    Set<String> liveMemberIds();

    /**
     * Calls {@code onChange} (on any thread) whenever an entry of the farm changes; returns the
     * undo.
     */
    Registration listen(Runnable onChange);

    /** Undoes a {@link #listen}. */
    @FunctionalInterface
    interface Registration {
        void cancel();
    }
}
