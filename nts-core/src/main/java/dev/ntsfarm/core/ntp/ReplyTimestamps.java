package dev.ntsfarm.core.ntp;

/**
 * The three timestamps of one reply (RFC 5905 section 7.3, and its interleaved basic mode): origin,
 * receive and transmit, set by the server before the responder writes the header. One per thread,
 * reused for every request; allocation-free.
 *
 * <p>Basic mode: origin is the request's transmit timestamp, receive the request's arrival, transmit
 * read from the clock as late as the reply allows. Interleaved mode (chrony's {@code xleave}): origin
 * is the request's receive timestamp (the client's arrival time of our previous reply), receive the
 * request's arrival, and transmit the kernel's transmit time of that previous reply.
 */
public final class ReplyTimestamps {

    private final NtpClock clock;
    private final long transmitMask;
    private long receive;
    private boolean interleaved;
    private long origin;
    private long previousTransmit;
    private long transmitWritten;

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
        return this;
    }

    /**
     * An interleaved reply: {@code origin} is the request's receive timestamp field, and
     * {@code previousTransmit} the transmit time of the reply it follows.
     */
    public ReplyTimestamps interleaved(long receiveNtp, long origin, long previousTransmit) {
        this.receive = receiveNtp;
        this.interleaved = true;
        this.origin = origin;
        this.previousTransmit = previousTransmit;
        return this;
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

    /** The transmit timestamp to write now, read last; remembered for {@link #transmitWritten()}. */
    public long transmit() {
        long t = interleaved ? previousTransmit : clock.nowNtp() & transmitMask;
        transmitWritten = t;
        return t;
    }

    /** A basic transmit timestamp whatever the mode, for kiss-o'-death replies. */
    public long basicTransmit() {
        long t = clock.nowNtp() & transmitMask;
        transmitWritten = t;
        return t;
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
