package dev.ntsfarm.core.stats;

import dev.ntsfarm.core.ntp.DropReason;
import dev.ntsfarm.core.ntp.NakReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The one place a server's outcomes are counted. Safe to increment from every event loop at once
 * without contention (one {@link LongAdder} per counter); reports are derived from it, never from
 * logs.
 */
public final class ServerStats {

    private final LongAdder[] counters = new LongAdder[ServerCounter.values().length];
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];
    private final LongAdder[] naks = new LongAdder[NakReason.values().length];

    /** Values that are states, not counts (timestamps held, their span), read from their owner. */
    private final LongSupplier[] gauges = new LongSupplier[ServerCounter.values().length];

    public ServerStats() {
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
        for (int i = 0; i < naks.length; i++) {
            naks[i] = new LongAdder();
        }
    }

    /** Counts an NTS NAK sent: "NTS NAKs sent", and the reason's own count. */
    public void nak(NakReason reason) {
        counters[ServerCounter.NTS_NAKS_SENT.ordinal()].increment();
        naks[reason.ordinal()].increment();
    }

    /** NTS NAKs sent for {@code reason}. */
    public long naks(NakReason reason) {
        return naks[reason.ordinal()].sum();
    }

    /** Counts a datagram not answered: "NTP packets dropped", and the reason's own count. */
    public void drop(DropReason reason) {
        counters[ServerCounter.NTP_PACKETS_DROPPED.ordinal()].increment();
        drops[reason.ordinal()].increment();
    }

    /** Datagrams dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }

    /**
     * Makes {@code counter} read {@code value} (plus anything added to it): for {@link
     * ServerCounter#NTP_TIMESTAMPS_HELD} and {@link ServerCounter#NTP_TIMESTAMP_SPAN}, which the
     * responder holds. A later call replaces the earlier one.
     */
    public void gauge(ServerCounter counter, LongSupplier value) {
        synchronized (gauges) {
            gauges[counter.ordinal()] = value;
        }
    }

    public void increment(ServerCounter counter) {
        counters[counter.ordinal()].increment();
    }

    public void add(ServerCounter counter, long n) {
        counters[counter.ordinal()].add(n);
    }

    public long get(ServerCounter counter) {
        LongSupplier g;
        synchronized (gauges) {
            g = gauges[counter.ordinal()];
        }
        return counters[counter.ordinal()].sum() + (g == null ? 0 : g.getAsLong());
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
