package dev.ntsfarm.core.ntp;

import dev.ntsfarm.core.config.RateLimit;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Response rate limiting per client address, as chrony's {@code ratelimit} does it ({@code
 * clientlog.c}, chrony.conf(5)): a token bucket per address whose size is {@code burst} answers and
 * which refills one answer every 2^{@code interval} seconds; a request that finds the bucket empty
 * is still answered with probability 2^-{@code leak} (so a spoofed source cannot silence a victim),
 * otherwise it gets a kiss-o'-death RATE with probability 2^-{@code kod} when {@code kod} is not 0
 * (chrony 4.6's option, default 0 = never; chrony 4.3 only drops), otherwise it is dropped. When a
 * client's request rate while unanswered is more than twice its rate while answered, it is a client
 * that polls faster when it gets no answer, and limiting is inverted for it (mostly answered) so as
 * not to feed the storm.
 *
 * <p>Timestamps are chrony's 32-bit fixed point with 4 fraction bits (1/16 s); rates are its scaled
 * log2 estimates. Records live in a fixed table of slots of 8, the oldest replaced when a slot is
 * full, so memory is bounded and nothing is allocated per request. Each slot has its own monitor,
 * held for a few arithmetic steps only; event loops never wait on each other for long, and never on
 * I/O.
 */
public final class ClientRateLimiter {

    /** What to do with one request. */
    public enum Verdict {
        /** Answer it. */
        PASS,
        /** Answer with a kiss-o'-death RATE instead. */
        KOD,
        /** Send nothing. */
        DROP
    }

    /**
     * One client as chronyc's {@code clients} report shows it.
     *
     * @param intervalLog2 the client's average request interval, log2 seconds, rounded; 127 when
     *     unknown
     * @param penaltyLog2 its interval while unanswered (chrony's "IntL"); 127 when none
     * @param lastSecondsAgo seconds since its last request
     */
    public record ClientRecord(
            InetAddress address,
            long hits,
            long drops,
            int intervalLog2,
            int penaltyLog2,
            long lastSecondsAgo) {}

    /** chronyc's "unknown" interval. */
    public static final int UNKNOWN_INTERVAL = 127;

    /** Records the default table holds (chrony's default clientloglimit holds about this many). */
    public static final int DEFAULT_CAPACITY = 1 << 14;

    /** chrony's {@code ratelimit kod} bounds. */
    public static final int MIN_KOD = 0;

    public static final int MAX_KOD = 4;

    private static final int TS_FRAC = 4;
    private static final int INVALID_TS = 0;
    private static final int RATE_SCALE = 4;
    private static final int MIN_RATE = -14 * RATE_SCALE;
    private static final int INVALID_RATE = -128;
    private static final int MIN_LIMIT_INTERVAL = -15 - TS_FRAC;
    private static final int MAX_LIMIT_INTERVAL = 12;
    private static final int SLOT_SIZE = 8;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int maxTokens;
    private final int tokensPerHit;
    private final int tokenShift;
    private final int leak;
    private final int kod;
    private final RandomGenerator random;
    private final int slotMask;
    private final long epochNanos;

    // one record per index; IPv4 keys are stored as IPv4-mapped IPv6 addresses
    private final long[] keyHigh;
    private final long[] keyLow;
    private final boolean[] used;
    private final int[] lastHit;
    private final int[] tokens;
    private final byte[] rate;
    private final byte[] timeoutRate;
    private final boolean[] dropped;
    private final int[] hits;
    private final int[] drops;
    private final Object[] slotLocks;

    private ClientRateLimiter(
            RateLimit limit, int kod, int capacity, RandomGenerator random, long epochNanos) {
        int interval = Math.clamp(limit.interval(), MIN_LIMIT_INTERVAL, MAX_LIMIT_INTERVAL);
        int burst = Math.clamp(limit.burst(), 1, 255);
        int shift;
        int perHit;
        if (interval >= -TS_FRAC) {
            // the smallest shift with which the bucket still fits 16 bits
            shift = 0;
            while (shift < interval + TS_FRAC
                    && (burst << (TS_FRAC + interval - shift)) >= (1 << 16)) {
                shift++;
            }
        } else {
            // coarse limiting: intervals shorter than a timestamp unit
            shift = interval + TS_FRAC;
            burst = Math.max(1 << -shift, burst);
        }
        perHit = 1 << (TS_FRAC + interval - shift);
        this.tokenShift = shift;
        this.tokensPerHit = perHit;
        this.maxTokens = perHit * burst;
        this.leak = Math.clamp(limit.leak(), 1, 4);
        this.kod = Math.clamp(kod, MIN_KOD, MAX_KOD);
        this.random = random;
        int slots = Integer.highestOneBit(Math.max(SLOT_SIZE, capacity) / SLOT_SIZE);
        this.slotMask = slots - 1;
        int records = slots * SLOT_SIZE;
        keyHigh = new long[records];
        keyLow = new long[records];
        used = new boolean[records];
        lastHit = new int[records];
        tokens = new int[records];
        rate = new byte[records];
        timeoutRate = new byte[records];
        dropped = new boolean[records];
        hits = new int[records];
        drops = new int[records];
        slotLocks = new Object[slots];
        for (int i = 0; i < slots; i++) {
            slotLocks[i] = new Object();
        }
        this.epochNanos = epochNanos;
    }

    /**
     * A limiter for {@code limit} with KoD rate {@code kod} (0: never), of the default capacity.
     */
    public static ClientRateLimiter of(RateLimit limit, int kod) {
        return new ClientRateLimiter(
                limit,
                kod,
                DEFAULT_CAPACITY,
                new ThreadLocalGenerator(),
                System.currentTimeMillis() * 1_000_000L);
    }

    /**
     * A limiter with its randomness and time origin passed in (tests). {@code random} is called
     * under a slot's monitor, so it must be thread-safe when several threads use the limiter.
     */
    public static ClientRateLimiter of(
            RateLimit limit, int kod, int capacity, RandomGenerator random, long epochNanos) {
        return new ClientRateLimiter(limit, kod, capacity, random, epochNanos);
    }

    /**
     * Logs a request from {@code client} received at {@code nowNanos} (nanoseconds since 1970: the
     * kernel's receive timestamp) and decides on it.
     */
    public Verdict check(InetAddress client, long nowNanos) {
        long high;
        long low;
        if (client instanceof Inet4Address) {
            high = 0;
            low = 0xFFFF_0000_0000L | (client.hashCode() & 0xFFFF_FFFFL);
        } else {
            byte[] a = client.getAddress();
            high = readLong(a, 0);
            low = readLong(a, 8);
        }
        return check(high, low, nowNanos);
    }

    /**
     * As {@link #check(InetAddress, long)} for the 128-bit address {@code high:low} (IPv4 mapped).
     */
    public Verdict check(long high, long low, long nowNanos) {
        int now = timestamp(nowNanos);
        int hash = Long.hashCode(high * 0x9E37_79B9_7F4A_7C15L ^ low * 0xC2B2_AE3D_27D4_EB4FL);
        hash ^= hash >>> 16;
        int slot = hash & slotMask;
        synchronized (slotLocks[slot]) {
            int r = record(slot, high, low);
            update(r, now);
            hits[r]++;
            Verdict v = limit(r);
            if (v == Verdict.DROP) {
                drops[r]++;
            }
            return v;
        }
    }

    private int timestamp(long nowNanos) {
        long elapsed = nowNanos - epochNanos;
        long units =
                (elapsed / NANOS_PER_SECOND << TS_FRAC)
                        + ((elapsed % NANOS_PER_SECOND) << TS_FRAC) / NANOS_PER_SECOND;
        int ts = (int) (units + 1);
        return ts == INVALID_TS ? 1 : ts;
    }

    private int record(int slot, long high, long low) {
        int first = slot * SLOT_SIZE;
        int oldest = first;
        for (int i = first; i < first + SLOT_SIZE; i++) {
            if (!used[i]) {
                return fresh(i, high, low);
            }
            if (keyHigh[i] == high && keyLow[i] == low) {
                return i;
            }
            if (lastHit[i] - lastHit[oldest] < 0) {
                oldest = i;
            }
        }
        return fresh(oldest, high, low);
    }

    private int fresh(int i, long high, long low) {
        used[i] = true;
        keyHigh[i] = high;
        keyLow[i] = low;
        lastHit[i] = INVALID_TS;
        tokens[i] = maxTokens;
        rate[i] = INVALID_RATE;
        timeoutRate[i] = INVALID_RATE;
        dropped[i] = false;
        hits[i] = 0;
        drops[i] = 0;
        return i;
    }

    private void update(int r, int now) {
        int prev = lastHit[r];
        lastHit[r] = now;
        int interval = now - prev;
        if (prev == INVALID_TS || interval < 0) {
            return;
        }
        long add;
        if (tokenShift >= 0) {
            add =
                    (Integer.toUnsignedLong(now) >>> tokenShift)
                            - (Integer.toUnsignedLong(prev) >>> tokenShift);
        } else if (interval > maxTokens) {
            add = maxTokens;
        } else {
            add = (long) interval << -tokenShift;
        }
        tokens[r] = (int) Math.min(tokens[r] + add, maxTokens);

        // the interval as a scaled, rounded log2
        int interval2;
        if (interval != 0) {
            long iv = Integer.toUnsignedLong(interval);
            iv += iv >>> 1;
            for (interval2 = -RATE_SCALE * TS_FRAC;
                    interval2 < -MIN_RATE;
                    interval2 += RATE_SCALE) {
                if (iv <= 1) {
                    break;
                }
                iv >>>= 1;
            }
        } else {
            interval2 = -RATE_SCALE * (TS_FRAC + 1);
        }
        // a client whose last request went unanswered updates its "timed out" rate
        byte[] rates = dropped[r] ? timeoutRate : rate;
        int current = rates[r];
        if (current == INVALID_RATE) {
            current = -interval2;
        } else if (current < -interval2) {
            current++;
        } else if (current > -interval2) {
            current =
                    current > RATE_SCALE * 5 / 2 - interval2
                            ? RATE_SCALE * 5 / 2 - interval2
                            : (current - interval2 - 1) / 2;
        }
        rates[r] = (byte) current;
    }

    private Verdict limit(int r) {
        dropped[r] = false;
        if (tokens[r] >= tokensPerHit) {
            tokens[r] -= tokensPerHit;
            return Verdict.PASS;
        }
        boolean drop = randomBits(leak) != 0;
        if (timeoutRate[r] != INVALID_RATE && timeoutRate[r] > rate[r] + RATE_SCALE) {
            drop = !drop;
        }
        if (!drop) {
            tokens[r] = 0;
            return Verdict.PASS;
        }
        if (kod > 0 && randomBits(kod) == 0) {
            return Verdict.KOD;
        }
        dropped[r] = true;
        return Verdict.DROP;
    }

    /**
     * The clients held, most recent first, at most {@code max} of them: read-only, for reports
     * (takes each slot's monitor briefly; allocates; never call it on the hot path).
     */
    public java.util.List<ClientRecord> records(long nowNanos, int max) {
        int now = timestamp(nowNanos);
        java.util.List<long[]> raw = new java.util.ArrayList<>();
        for (int slot = 0; slot <= slotMask; slot++) {
            synchronized (slotLocks[slot]) {
                for (int i = slot * SLOT_SIZE; i < (slot + 1) * SLOT_SIZE; i++) {
                    if (used[i]) {
                        raw.add(
                                new long[] {
                                    keyHigh[i],
                                    keyLow[i],
                                    hits[i],
                                    drops[i],
                                    interval(rate[i]),
                                    interval(timeoutRate[i]),
                                    Integer.toUnsignedLong(now - lastHit[i]) >>> TS_FRAC
                                });
                    }
                }
            }
        }
        raw.sort(java.util.Comparator.comparingLong(r -> r[6]));
        java.util.List<ClientRecord> out = new java.util.ArrayList<>();
        for (long[] r : raw.subList(0, Math.min(max, raw.size()))) {
            out.add(
                    new ClientRecord(
                            address(r[0], r[1]), r[2], r[3], (int) r[4], (int) r[5], r[6]));
        }
        return out;
    }

    /** chrony's get_interval: a scaled rate as a rounded log2 interval. */
    private static int interval(int rate) {
        return rate == INVALID_RATE
                ? UNKNOWN_INTERVAL
                : Math.floorDiv(-rate + RATE_SCALE / 2, RATE_SCALE);
    }

    private static InetAddress address(long high, long low) {
        byte[] b;
        if (high == 0 && (low >>> 32) == 0xFFFF) {
            b =
                    new byte[] {
                        (byte) (low >>> 24), (byte) (low >>> 16), (byte) (low >>> 8), (byte) low
                    };
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (high >>> (56 - 8 * i));
                b[8 + i] = (byte) (low >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code bits} random bits: zero on average once in 2^bits. */
    private int randomBits(int bits) {
        return random.nextInt() & ((1 << bits) - 1);
    }

    private static long readLong(byte[] a, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (a[off + i] & 0xFF);
        }
        return v;
    }

    /** Answers per bucket and its refill in chrony's units, for diagnostics. */
    @Override
    public String toString() {
        return "ClientRateLimiter[maxTokens="
                + maxTokens
                + ", tokensPerHit="
                + tokensPerHit
                + ", shift="
                + tokenShift
                + ", leak="
                + leak
                + ", kod="
                + kod
                + "]";
    }

    /** The calling thread's generator, so event loops never share one. */
    private static final class ThreadLocalGenerator implements RandomGenerator {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public int nextInt() {
            return ThreadLocalRandom.current().nextInt();
        }
    }
}
