package dev.ntsfarm.core.ntp;

/**
 * How long one responder thread's replies take from the reading of their transmit timestamp to the
 * kernel's send, learnt from the kernel's transmit timestamps, and added to later replies' transmit
 * timestamps, so a reply names the moment it left rather than the moment its time was read.
 *
 * <p>A server reads its transmit timestamp before the reply is finished and sent: a client's offset
 * is off by half of what runs in between (the seal of an NTS or MAC reply, the send system call,
 * the kernel's UDP path). chronyd adds the expected time of its MAC computation for the same
 * reason; here the whole delay is measured. The compensation is the least delay of the last {@link
 * #WINDOW} replies of the same kind (sealed after the read or not), at most {@link #MAX_NANOS}: the
 * least, so a reply preempted or run cold never inflates it and a transmit timestamp is never moved
 * past the kernel's send of a reply as fast as the fastest lately; a window, so it follows a path
 * that got slower for good; a cap, so no estimate moves a timestamp by more than a few
 * microseconds. Delays below zero or above {@link #DISCARD_NANOS} (the clock stepped between read
 * and send) are ignored.
 *
 * <p>One per thread, not thread-safe, allocation-free.
 */
public final class TransmitDelay {

    /**
     * A reply sent as written once its transmit timestamp is in (plain NTP, kiss-o'-death, NTS
     * NAK).
     */
    public static final int PLAIN = 0;

    /** A reply sealed after its transmit timestamp is read (NTS, symmetric-key MAC). */
    public static final int SEALED = 1;

    /** Delays remembered per kind. */
    public static final int WINDOW = 16;

    /** The most a transmit timestamp is moved. */
    public static final long MAX_NANOS = 25_000;

    /** A delay longer than this is no delay of the path but a clock step, and is ignored. */
    public static final long DISCARD_NANOS = 100_000_000L;

    /**
     * Each server measures at most one reply in this interval: a busy thread reads back few
     * transmit times, an idle one every one.
     */
    public static final long SAMPLE_INTERVAL_NANOS = 10_000_000L;

    private final long[][] delays = new long[2][WINDOW];
    private final int[] held = new int[2];
    private final int[] next = new int[2];
    private final long[] compensationNanos = new long[2];
    private final long[] compensationNtp = new long[2];

    /**
     * The compensation for a reply of {@code kind}, in nanoseconds: 0 until a delay was measured.
     */
    public long compensationNanos(int kind) {
        return compensationNanos[kind];
    }

    /** {@link #compensationNanos} as a difference of 64-bit NTP timestamps (2^-32 s units). */
    public long compensationNtp(int kind) {
        return compensationNtp[kind];
    }

    /**
     * A reply of {@code kind} was sent {@code delayNanos} after its transmit timestamp was read.
     */
    public void add(int kind, long delayNanos) {
        if (delayNanos < 0 || delayNanos > DISCARD_NANOS) {
            return;
        }
        long[] d = delays[kind];
        d[next[kind]] = delayNanos;
        next[kind] = (next[kind] + 1) % WINDOW;
        if (held[kind] < WINDOW) {
            held[kind]++;
        }
        long least = Long.MAX_VALUE;
        for (int i = 0; i < held[kind]; i++) {
            least = Math.min(least, d[i]);
        }
        long c = Math.min(least, MAX_NANOS);
        compensationNanos[kind] = c;
        compensationNtp[kind] = (c << 32) / 1_000_000_000L;
    }

    /**
     * A tag for a measured reply's transmit time (the socket layer hands it back with the kernel's
     * time): the transmit timestamp as read, lowest bit clear (an interleaved-mode tag, a receive
     * timestamp, has it set), the kind in the next bit. The two bits are below a nanosecond.
     */
    public static long tag(long readNtp, int kind) {
        return (readNtp & ~3L) | ((long) kind << 1);
    }

    /** Whether {@code tag} is one of {@link #tag}'s. */
    public static boolean isTag(long tag) {
        return (tag & 1L) == 0;
    }

    /** The kernel sent the reply tagged {@code tag} (see {@link #tag}) at {@code unixNanos}. */
    public void onTransmitted(long tag, long unixNanos) {
        long read = NtpTimestamp.unixNanosOf(tag & ~3L, unixNanos);
        add((int) (tag >>> 1) & 1, unixNanos - read);
    }

    @Override
    public String toString() {
        return "TransmitDelay[plain "
                + compensationNanos[PLAIN]
                + " ns, sealed "
                + compensationNanos[SEALED]
                + " ns]";
    }
}
