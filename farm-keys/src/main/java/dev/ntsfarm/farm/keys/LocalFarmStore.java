package dev.ntsfarm.farm.keys;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link FarmStore} in this process's memory: a standalone server's, or a test's. */
final class LocalFarmStore implements FarmStore {

    /** Stands for a value that would not deserialize (tests put it with {@link #putRaw}). */
    static final Object UNREADABLE =
            new Object() {
                @Override
                public String toString() {
                    return "an unreadable value";
                }
            };

    private static final String MEMBER_ID = "local";
    private final Map<Space, ConcurrentHashMap<Object, Object>> maps;
    private final CopyOnWriteArrayList<Runnable> listeners;
    private final Set<String> live;
    private final String memberId;

    LocalFarmStore() {
        this.maps = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            maps.put(s, new ConcurrentHashMap<>());
        }
        this.listeners = new CopyOnWriteArrayList<>();
        this.live = ConcurrentHashMap.newKeySet();
        this.memberId = MEMBER_ID;
        live.add(MEMBER_ID);
    }

    private LocalFarmStore(LocalFarmStore shared, String memberId) {
        this.maps = shared.maps;
        this.listeners = shared.listeners;
        this.live = shared.live;
        this.memberId = memberId;
        if (memberId != null) {
            live.add(memberId);
        }
    }

    /**
     * Another process on the same entries: a member of that id, or a client ({@code null}) (tests).
     */
    LocalFarmStore peer(String id) {
        return new LocalFarmStore(this, id);
    }

    /** The member {@code id} left the cluster (tests). */
    void leave(String id) {
        live.remove(id);
    }

    private static Object copy(Object v) {
        return v instanceof byte[] b ? b.clone() : v;
    }

    @Override
    public Read get(Space space, Object key) {
        Object v = maps.get(space).get(key);
        if (v == UNREADABLE) {
            return new Unreadable("refused by the serialization filter (test)");
        }
        return v == null ? new Absent() : new Present(copy(v));
    }

    @Override
    public boolean putIfAbsent(Space space, Object key, byte[] value) {
        boolean put = maps.get(space).putIfAbsent(key, value.clone()) == null;
        if (put) {
            changed();
        }
        return put;
    }

    @Override
    public void set(Space space, Object key, byte[] value) {
        maps.get(space).put(key, value.clone());
        changed();
    }

    /** Stores any value at all, as a peer with cluster access could (tests). */
    void putRaw(Space space, Object key, Object value) {
        maps.get(space).put(key, value);
        changed();
    }

    /** Empties every map, as a peer with cluster access could (tests). */
    void clearAll() {
        maps.values().forEach(Map::clear);
        changed();
    }

    @Override
    public boolean replace(Space space, Object key, byte[] expected, byte[] value) {
        ConcurrentHashMap<Object, Object> m = maps.get(space);
        Object witness = m.get(key);
        boolean replaced =
                witness instanceof byte[] w
                        && Arrays.equals(w, expected)
                        && m.replace(key, witness, value.clone());
        if (replaced) {
            changed();
        }
        return replaced;
    }

    @Override
    public void remove(Space space, Object key) {
        if (maps.get(space).remove(key) != null) {
            changed();
        }
    }

    @Override
    public Keys keys(Space space) {
        return new Keys(new HashSet<>(maps.get(space).keySet()), false);
    }

    @Override
    public String localMemberId() {
        return memberId;
    }

    @Override
    public Set<String> liveMemberIds() {
        return Set.copyOf(live);
    }

    @Override
    public Registration listen(Runnable onChange) {
        listeners.add(onChange);
        return () -> listeners.remove(onChange);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return "LocalFarmStore[" + maps.get(Space.SEEDS).size() + " seed entries]";
    }
}
