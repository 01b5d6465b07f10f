package dev.ntsfarm.core.stats;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one place a server's outcomes are counted. Safe to increment from every event loop at once
 * without contention (one {@link LongAdder} per counter); reports are derived from it, never from logs.
 */
public final class ServerStats {

    private final LongAdder[] counters = new LongAdder[ServerCounter.values().length];

    public ServerStats() {
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
    }

    public void increment(ServerCounter counter) {
        counters[counter.ordinal()].increment();
    }

    public void add(ServerCounter counter, long n) {
        counters[counter.ordinal()].add(n);
    }

    public long get(ServerCounter counter) {
        return counters[counter.ordinal()].sum();
    }

    /** A consistent-enough copy of every counter, in {@link ServerCounter} order. */
    public Map<ServerCounter, Long> snapshot() {
        Map<ServerCounter, Long> copy = new EnumMap<>(ServerCounter.class);
        for (ServerCounter c : ServerCounter.values()) {
            copy.put(c, get(c));
        }
        return copy;
    }

    @Override
    public String toString() {
        return "ServerStats" + snapshot();
    }
}
