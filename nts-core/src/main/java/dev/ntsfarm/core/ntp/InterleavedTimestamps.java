package dev.ntsfarm.core.ntp;

/**
 * The server's memory for interleaved mode (RFC 5905 interleaved basic mode, chrony's {@code
 * xleave}): for each reply sent to a client that may ask for interleaving, the receive timestamp
 * that reply carried (its key) and the reply's transmit time, first as read before sending, then as
 * the kernel took it. A later request whose origin timestamp is one of these receive timestamps
 * gets that transmit time in its own reply.
 *
 * <p>As chrony's clientlog keeps it: keyed by the server's receive timestamp rather than by client
 * address, in a ring of fixed capacity ordered by receive time (timestamps come in receive order,
 * so appending keeps it sorted and lookups are a binary search), the oldest forgotten first. A
 * receive time older than the newest held (the clock stepped back) empties the ring. Nothing is
 * allocated.
 *
 * <p>One writer thread; {@link #size()} and {@link #spanSeconds()} may be read from others.
 */
public final class InterleavedTimestamps {

    /**
     * Memory per entry: a receive and a transmit timestamp ({@code clientloglimit} is in bytes).
     */
    public static final int BYTES_PER_ENTRY = 16;

    /**
     * chrony's MAX_TX_DELAY: a kernel transmit time more than this after the one read before
     * sending is not ours.
     */
    static final long MAX_TX_DELAY_NTP = 1L << 32;

    private final long[] receive;
    private final long[] transmit;
    private final int mask;

    /** Index of the oldest entry. */
    private int first;

    private volatile int size;
    private volatile long oldest;
    private volatile long newest;

    /**
     * @param capacity entries, at least 1, rounded down to a power of two
     */
    public InterleavedTimestamps(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " (expected: at least 1)");
        }
        int n = Integer.highestOneBit(capacity);
        this.receive = new long[n];
        this.transmit = new long[n];
        this.mask = n - 1;
    }

    public int capacity() {
        return receive.length;
    }

    /** Entries held. */
    public int size() {
        return size;
    }

    /**
     * Seconds between the oldest and the newest receive timestamp held (chronyc's "NTP timestamp
     * span").
     */
    public long spanSeconds() {
        return size > 1 ? (newest - oldest) >>> 32 : 0;
    }

    /**
     * Remembers that the reply with receive timestamp {@code receiveNtp} was sent at about {@code
     * transmitNtp} (the time written into it, read before sending).
     */
    public void save(long receiveNtp, long transmitNtp) {
        int n = size;
        if (n > 0 && Long.compareUnsigned(receiveNtp, receive[(first + n - 1) & mask]) <= 0) {
            n = 0; // out of order: the clock went back; what is held can no longer be searched
            first = 0;
        }
        if (n == receive.length) {
            first = (first + 1) & mask;
            n--;
        }
        int i = (first + n) & mask;
        receive[i] = receiveNtp;
        transmit[i] = transmitNtp;
        n++;
        oldest = receive[first];
        newest = receiveNtp;
        size = n;
    }

    /**
     * The transmit time of the reply that carried {@code receiveNtp}, and forgets it (each is
     * served once); 0 when none is held.
     */
    public long take(long receiveNtp) {
        int i = find(receiveNtp);
        if (i < 0) {
            return 0;
        }
        long t = transmit[i];
        transmit[i] = 0;
        return t;
    }

    /**
     * Replaces the transmit time of the reply that carried {@code receiveNtp} with the kernel's
     * {@code kernelTransmitNtp}, when it is plausible: not before the time read before sending, and
     * at most a second after it.
     *
     * @return whether it was replaced
     */
    public boolean updateTransmit(long receiveNtp, long kernelTransmitNtp) {
        int i = find(receiveNtp);
        if (i < 0 || transmit[i] == 0) {
            return false;
        }
        long delay = kernelTransmitNtp - transmit[i];
        if (delay < 0 || delay > MAX_TX_DELAY_NTP) {
            return false;
        }
        transmit[i] = kernelTransmitNtp;
        return true;
    }

    /** The ring index holding {@code receiveNtp}, or -1. */
    private int find(long receiveNtp) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = receive[(first + mid) & mask];
            int c = Long.compareUnsigned(v, receiveNtp);
            if (c == 0) {
                return (first + mid) & mask;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "InterleavedTimestamps[" + size + " of " + receive.length + "]";
    }
}
