package dev.ntsfarm.ke.service;

import dev.ntsfarm.core.config.RateLimit;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ntsratelimit} in chrony's manner, per client address: a bucket of up to {@code burst}
 * connections refilled at one per {@code 2^interval} seconds; a client with an empty bucket is
 * refused, except one attempt in {@code 2^leak}, which goes through so that a client behind a busy
 * address still gets an answer now and then (chrony picks that one at random; here it is every
 * {@code 2^leak}-th). Like chrony's client log the table is bounded: when it holds {@link
 * #MAX_ADDRESSES} addresses it starts afresh, which forgives everyone rather than growing without
 * end.
 */
final class KeRateLimiter {

    /** Most addresses remembered at once. */
    static final int MAX_ADDRESSES = 65536;

    private final double secondsPerToken;
    private final int burst;
    private final int leakMask;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    KeRateLimiter(RateLimit limit) {
        this.secondsPerToken = Math.scalb(1.0, limit.interval());
        this.burst = limit.burst();
        this.leakMask = (1 << limit.leak()) - 1;
    }

    /** Whether a connection from {@code address} at {@code nanoTime} is served. */
    boolean allow(InetAddress address, long nanoTime) {
        if (buckets.size() >= MAX_ADDRESSES) {
            buckets.clear();
        }
        Bucket b = buckets.computeIfAbsent(address, k -> new Bucket(burst, nanoTime));
        synchronized (b) {
            double elapsed = (nanoTime - b.lastNanos) / 1e9;
            b.lastNanos = nanoTime;
            b.tokens = Math.min(burst, b.tokens + Math.max(0, elapsed) / secondsPerToken);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return (b.limited++ & leakMask) == leakMask;
        }
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;
        long limited;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.lastNanos = now;
        }
    }
}
