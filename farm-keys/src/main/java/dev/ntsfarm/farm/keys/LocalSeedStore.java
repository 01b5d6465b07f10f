package dev.ntsfarm.farm.keys;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** {@link SeedStore} in this process's memory: a standalone server's, or a test's. */
final class LocalSeedStore implements SeedStore {

    private final ConcurrentHashMap<Long, byte[]> seeds = new ConcurrentHashMap<>();
    private final AtomicReference<Long> pointer = new AtomicReference<>();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public Long pointer() {
        return pointer.get();
    }

    @Override
    public boolean advancePointer(Long expected, long next) {
        Long witness = pointer.get();
        boolean moved = (witness == null ? expected == null : witness.equals(expected))
                && pointer.compareAndSet(witness, next);
        if (moved) {
            changed();
        }
        return moved;
    }

    @Override
    public byte[] putIfAbsent(long slot, byte[] seed) {
        byte[] old = seeds.putIfAbsent(slot, seed.clone());
        if (old == null) {
            changed();
        }
        return old == null ? null : old.clone();
    }

    @Override
    public Map<Long, byte[]> getAll(Set<Long> slots) {
        Map<Long, byte[]> out = new HashMap<>();
        for (Long s : slots) {
            byte[] seed = seeds.get(s);
            if (seed != null) {
                out.put(s, seed.clone());
            }
        }
        return out;
    }

    @Override
    public Set<Long> slots() {
        return new TreeSet<>(seeds.keySet());
    }

    @Override
    public void remove(long slot) {
        if (seeds.remove(slot) != null) {
            changed();
        }
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
        return "LocalSeedStore[" + seeds.size() + " slots]";
    }
}
