package dev.ntsfarm.farm.keys;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
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
import com.hazelcast.map.listener.MapEvictedListener;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@link FarmStore} on one IMap per {@link FarmStore.Space}. Values are read one key at a time, so
 * an entry that will not deserialize (refused by the cluster's serialization filter, of a class
 * nobody here has) spoils that entry only.
 */
final class HazelcastFarmStore implements FarmStore {

    private final HazelcastInstance instance;
    private final Map<Space, IMap<Object, Object>> maps = new EnumMap<>(Space.class);

    HazelcastFarmStore(HazelcastInstance instance) {
        this.instance = instance;
        for (Space s : Space.values()) {
            maps.put(s, instance.getMap(s.mapName()));
        }
    }

    private IMap<Object, Object> map(Space s) {
        return maps.get(s);
    }

    @Override
    public Read get(Space space, Object key) {
        try {
            Object v = map(space).get(key);
            return v == null ? new Absent() : new Present(v);
        } catch (HazelcastSerializationException | SecurityException | ClassCastException e) {
            return new Unreadable(e.getClass().getSimpleName());
        }
    }

    @Override
    public boolean putIfAbsent(Space space, Object key, byte[] value) {
        try {
            return map(space).putIfAbsent(key, value) == null;
        } catch (HazelcastSerializationException | SecurityException | ClassCastException e) {
            return false; // the entry there would not even deserialize: it was there
        }
    }

    @Override
    public void set(Space space, Object key, byte[] value) {
        map(space).set(key, value);
    }

    @Override
    public boolean replace(Space space, Object key, byte[] expected, byte[] value) {
        return map(space).replace(key, expected, value);
    }

    @Override
    public void remove(Space space, Object key) {
        map(space).delete(key);
    }

    @Override
    public Keys keys(Space space) {
        try {
            return new Keys(new HashSet<>(map(space).keySet()), false);
        } catch (HazelcastSerializationException | SecurityException | ClassCastException e) {
            return new Keys(Set.of(), true);
        }
    }

    @Override
    public String localMemberId() {
        try {
            return instance.getCluster().getLocalMember().getUuid().toString();
        } catch (UnsupportedOperationException client) {
            return null;
        }
    }

    @Override
    public Set<String> liveMemberIds() {
        Set<String> ids = new HashSet<>();
        for (Member m : instance.getCluster().getMembers()) {
            if (!m.isLiteMember()) {
                ids.add(m.getUuid().toString());
            }
        }
        return ids;
    }

    @Override
    public Registration listen(Runnable onChange) {
        ChangeListener<Object, Object> listener = new ChangeListener<>(onChange);
        Map<IMap<Object, Object>, UUID> ids = new LinkedHashMap<>();
        for (IMap<Object, Object> m : maps.values()) {
            ids.put(m, m.addEntryListener(listener, false));
        }
        // a member gone or back, a merge after a split, a client's new cluster: the maps may differ
        // with no entry event at all (a merge keeps the other side's entries and says nothing)
        UUID members =
                instance.getCluster()
                        .addMembershipListener(
                                new MembershipListener() {
                                    @Override
                                    public void memberAdded(MembershipEvent event) {
                                        onChange.run();
                                    }

                                    @Override
                                    public void memberRemoved(MembershipEvent event) {
                                        onChange.run();
                                    }
                                });
        UUID lifecycle =
                instance.getLifecycleService()
                        .addLifecycleListener(
                                event -> {
                                    switch (event.getState()) {
                                        case MERGED, CLIENT_CONNECTED, CLIENT_CHANGED_CLUSTER ->
                                                onChange.run();
                                        default -> {}
                                    }
                                });
        return () -> {
            ids.forEach(IMap::removeEntryListener);
            instance.getCluster().removeMembershipListener(members);
            instance.getLifecycleService().removeLifecycleListener(lifecycle);
        };
    }

    /**
     * Any change at all: the ring is rebuilt from the maps, so what changed (or its key) does not
     * matter.
     */
    private record ChangeListener<K, V>(Runnable onChange)
            implements EntryAddedListener<K, V>,
                    EntryUpdatedListener<K, V>,
                    EntryRemovedListener<K, V>,
                    EntryMergedListener<K, V>,
                    EntryEvictedListener<K, V>,
                    EntryExpiredListener<K, V>,
                    MapClearedListener,
                    MapEvictedListener {
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

        @Override
        public void mapEvicted(MapEvent event) {
            onChange.run();
        }
    }

    @Override
    public String toString() {
        return "HazelcastFarmStore[" + Space.SEEDS.mapName() + "]";
    }
}
