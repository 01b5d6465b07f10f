package dev.ntsfarm.farm.keys;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** {@link SeedStore} on two IMaps: {@value #SEEDS_MAP} and {@value #POINTER_MAP}. */
final class HazelcastSeedStore implements SeedStore {

    private final IMap<Long, byte[]> seeds;
    private final IMap<String, Long> pointer;

    HazelcastSeedStore(HazelcastInstance instance) {
        this.seeds = instance.getMap(SEEDS_MAP);
        this.pointer = instance.getMap(POINTER_MAP);
    }

    @Override
    public Long pointer() {
        return pointer.get(POINTER_KEY);
    }

    @Override
    public boolean advancePointer(Long expected, long next) {
        return expected == null
                ? pointer.putIfAbsent(POINTER_KEY, next) == null
                : pointer.replace(POINTER_KEY, expected, next);
    }

    @Override
    public byte[] putIfAbsent(long slot, byte[] seed) {
        return seeds.putIfAbsent(slot, seed);
    }

    @Override
    public Map<Long, byte[]> getAll(Set<Long> slots) {
        return seeds.getAll(slots);
    }

    @Override
    public Set<Long> slots() {
        return new TreeSet<>(seeds.keySet());
    }

    @Override
    public void remove(long slot) {
        seeds.delete(slot);
    }

    @Override
    public Registration listen(Runnable onChange) {
        ChangeListener<?, ?> listener = new ChangeListener<>(onChange);
        UUID a = seeds.addEntryListener(listener, false);
        UUID b = pointer.addEntryListener(listener, false);
        return () -> {
            seeds.removeEntryListener(a);
            pointer.removeEntryListener(b);
        };
    }

    /** Any change at all: the ring is rebuilt from the map, so what changed does not matter. */
    private record ChangeListener<K, V>(Runnable onChange) implements EntryAddedListener<K, V>,
            EntryUpdatedListener<K, V>, EntryRemovedListener<K, V>, EntryMergedListener<K, V>,
            EntryEvictedListener<K, V>, EntryExpiredListener<K, V>, MapClearedListener {
        @Override
        public void entryAdded(EntryEvent<K, V> event) {
            onChange.run();
        }

        @Override
        public void entryUpdated(EntryEvent<K, V> event) {
            onChange.run();
        }

        @Override
        public void entryRemoved(EntryEvent<K, V> event) {
            onChange.run();
        }

        @Override
        public void entryMerged(EntryEvent<K, V> event) {
            onChange.run();
        }

        @Override
        public void entryEvicted(EntryEvent<K, V> event) {
            onChange.run();
        }

        @Override
        public void entryExpired(EntryEvent<K, V> event) {
            onChange.run();
        }

        @Override
        public void mapCleared(MapEvent event) {
            onChange.run();
        }
    }

    @Override
    public String toString() {
        return "HazelcastSeedStore[" + SEEDS_MAP + "]";
    }
}
