package dev.ntsfarm.core.ntp;

/**
 * The three timestamps of one reply (RFC 5905 section 7.3, and its interleaved basic mode): origin,
 * receive and transmit, set by the server before the responder writes the header. One per thread,
 * reused for every request; allocation-free.
 *
 * <p>Basic mode: origin is the request's transmit timestamp, receive the request's arrival,
 * transmit read from the clock as late as the reply allows. Interleaved mode (chrony's {@code
 * xleave}): origin is the request's receive timestamp (the client's arrival time of our previous
 * reply), receive the request's arrival, and transmit the kernel's transmit time of that previous
 * reply.
 *
 * <p>With a {@link TransmitDelay} ({@link #compensate}), a basic transmit timestamp is the clock's
 * reading plus the delay this thread's replies of that kind lately took from that reading to the
 * kernel's send.
 */
public final class ReplyTimestamps {

    /**
     * A reply whose transmit timestamp was read more than this before its send is stamped again
     * just before it ({@link #stale}, {@link #readAgain}): the path from the reading to the send
     * takes a microsecond or two when warm, and tens when run cold, preempted or held at a
     * safepoint, half of which would be the client's error.
     */
    public static final long RESTAMP_AFTER_NANOS = 5_000;

    private static final long RESTAMP_AFTER_NTP = (RESTAMP_AFTER_NANOS << 32) / 1_000_000_000L;

    private final NtpClock clock;
    private final long transmitMask;
    private long receive;
    private boolean interleaved;
    private long origin;
    private long previousTransmit;
    private long transmitWritten;
    private long transmitRead;
    private int transmitKind;
    private boolean rehearse;
    private Runnable beforeTransmit;
    private TransmitDelay delay;

    /** Timestamps whose transmit time is the clock's reading as it is. */
    public ReplyTimestamps(NtpClock clock) {
        this(clock, false);
    }

    private ReplyTimestamps(NtpClock clock, boolean marked) {
        this.clock = clock;
        this.transmitMask = marked ? ~1L : ~0L;
    }

    /**
     * Timestamps with chrony's marks: a transmit timestamp's lowest bit clear (the caller sets a
     * receive timestamp's), so a request whose origin is one of our receive timestamps, an
     * interleaved one, is told apart at a glance. The mark moves a timestamp by 2^-32 s at most.
     */
    public static ReplyTimestamps marked(NtpClock clock) {
        return new ReplyTimestamps(clock, true);
    }

    /** A basic-mode reply to a request that arrived at {@code receiveNtp}. */
    public ReplyTimestamps basic(long receiveNtp) {
        this.receive = receiveNtp;
        this.interleaved = false;
        this.rehearse = false;
        this.transmitRead = 0;
        return this;
    }

    /**
     * An interleaved reply: {@code origin} is the request's receive timestamp field, and {@code
     * previousTransmit} the transmit time of the reply it follows.
     */
    public ReplyTimestamps interleaved(long receiveNtp, long origin, long previousTransmit) {
        this.receive = receiveNtp;
        this.interleaved = true;
        this.rehearse = false;
        this.transmitRead = 0;
        this.origin = origin;
        this.previousTransmit = previousTransmit;
        return this;
    }

    /**
     * Marks this reply as one on a cold path (the server was idle before it): the responder then
     * rehearses what follows the transmit timestamp (seals once with a provisional one) and runs
     * the {@link #beforeTransmit(Runnable) hook} just before reading it, so what runs between the
     * read and the kernel's send runs from warm caches. Reset by {@link #basic} and {@link
     * #interleaved}.
     */
    public ReplyTimestamps rehearse(boolean cold) {
        this.rehearse = cold;
        return this;
    }

    /**
     * Whether this reply is to be rehearsed ({@link #rehearse(boolean)}); never for an interleaved
     * one.
     */
    public boolean rehearsing() {
        return rehearse && !interleaved;
    }

    /**
     * What runs just before a rehearsed reply's transmit timestamp is read: the socket layer
     * warming its send path (a datagram through the same system call to a socket of its own).
     * {@code null}: none.
     */
    public void beforeTransmit(Runnable hook) {
        this.beforeTransmit = hook;
    }

    private void prepare() {
        if (rehearse && beforeTransmit != null) {
            beforeTransmit.run();
        }
    }

    public boolean isInterleaved() {
        return interleaved;
    }

    public long receive() {
        return receive;
    }

    /** The origin timestamp of a reply to the request at {@code req[off]}. */
    public long origin(byte[] req, int off) {
        return interleaved ? origin : NtpHeader.transmitTimestamp(req, off);
    }

    /**
     * Adds {@code delay}'s compensation to every basic transmit timestamp read from now on ({@code
     * null}: none).
     */
    public void compensate(TransmitDelay delay) {
        this.delay = delay;
    }

    /**
     * The transmit timestamp of a reply sent as it is once this is written, read last; remembered
     * for {@link #transmitWritten()}.
     */
    public long transmit() {
        return transmit(TransmitDelay.PLAIN);
    }

    /** {@link #transmit()} for a reply sealed (NTS, MAC) after this is written. */
    public long sealedTransmit() {
        return transmit(TransmitDelay.SEALED);
    }

    private long transmit(int kind) {
        if (interleaved) {
            transmitWritten = previousTransmit;
            return previousTransmit;
        }
        return read(kind);
    }

    /**
     * Whether the last basic transmit timestamp was read more than {@link #RESTAMP_AFTER_NANOS}
     * ago, so the reply should have it read again ({@link #readAgain}) and be sealed again; never
     * for an interleaved reply (its transmit timestamp is the kernel's).
     */
    public boolean stale() {
        return transmitRead != 0
                && !interleaved
                && clock.nowNtp() - transmitRead > RESTAMP_AFTER_NTP;
    }

    /**
     * The last basic transmit timestamp read again, of the same kind and without the hook the first
     * reading ran, for a reply written once already.
     */
    public long readAgain() {
        return stamp(transmitKind);
    }

    /**
     * A basic transmit timestamp whatever the mode, for kiss-o'-death replies (sent as written).
     */
    public long basicTransmit() {
        return read(TransmitDelay.PLAIN);
    }

    private long read(int kind) {
        prepare();
        return stamp(kind);
    }

    private long stamp(int kind) {
        long t = clock.nowNtp();
        transmitRead = t;
        transmitKind = kind;
        if (delay != null) {
            t += delay.compensationNtp(kind);
        }
        t &= transmitMask;
        transmitWritten = t;
        return t;
    }

    /**
     * The clock's reading behind the last basic transmit timestamp, before any compensation; 0 when
     * this reply's has none (interleaved, or none written yet).
     */
    public long transmitRead() {
        return transmitRead;
    }

    /** The {@link TransmitDelay} kind of the last basic transmit timestamp. */
    public int transmitKind() {
        return transmitKind;
    }

    /** What the last {@link #transmit()} or {@link #basicTransmit()} returned. */
    public long transmitWritten() {
        return transmitWritten;
    }

    /** The clock the transmit timestamps are read from. */
    public NtpClock clock() {
        return clock;
    }
}
