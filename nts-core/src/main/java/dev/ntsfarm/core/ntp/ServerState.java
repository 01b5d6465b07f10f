package dev.ntsfarm.core.ntp;

/**
 * What a responder says about its own clock in every reply (RFC 5905 section 7.3), refreshed from
 * the local clock agent's tracking data.
 *
 * @param poll the least poll exponent the server advertises; a reply carries the larger of this and
 *     the client's
 */
public record ServerState(
        LeapIndicator leap,
        int stratum,
        int poll,
        int precision,
        NtpShort rootDelay,
        NtpShort rootDispersion,
        int referenceId,
        NtpTimestamp referenceTimestamp) {

    public ServerState {
        if (stratum < 0
                || stratum > 255
                || poll < Byte.MIN_VALUE
                || poll > Byte.MAX_VALUE
                || precision < Byte.MIN_VALUE
                || precision > Byte.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "server state out of range (expected: stratum 0..255, "
                            + "poll and precision -128..127)");
        }
    }

    /**
     * Writes a mode 4 reply header for the request at {@code req[reqOff]}: origin is the request's
     * transmit timestamp, receive is {@code receiveTimeNtp}; the transmit timestamp is left zero
     * for the caller to fill last.
     */
    public void writeReplyHeader(byte[] req, int reqOff, long receiveTimeNtp, byte[] out, int off) {
        writeReplyHeader(
                req, reqOff, NtpHeader.transmitTimestamp(req, reqOff), receiveTimeNtp, out, off);
    }

    /**
     * As {@link #writeReplyHeader(byte[], int, long, byte[], int)} with the origin timestamp given
     * (interleaved mode).
     */
    public void writeReplyHeader(
            byte[] req, int reqOff, long originNtp, long receiveTimeNtp, byte[] out, int off) {
        int version = NtpHeader.version(req, reqOff);
        int poll = Math.max(NtpHeader.poll(req, reqOff), this.poll);
        NtpHeader.writeFirstWord(out, off, leap, version, NtpMode.SERVER, stratum, poll, precision);
        Bytes.putU32(out, off + NtpHeader.OFFSET_ROOT_DELAY, rootDelay.bits());
        Bytes.putU32(out, off + NtpHeader.OFFSET_ROOT_DISPERSION, rootDispersion.bits());
        Bytes.putU32(out, off + NtpHeader.OFFSET_REFERENCE_ID, referenceId);
        referenceTimestamp.write(out, off + NtpHeader.OFFSET_REFERENCE_TIMESTAMP);
        NtpTimestamp.writeBits(originNtp, out, off + NtpHeader.OFFSET_ORIGIN_TIMESTAMP);
        NtpTimestamp.writeBits(receiveTimeNtp, out, off + NtpHeader.OFFSET_RECEIVE_TIMESTAMP);
        NtpTimestamp.writeBits(0, out, off + NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
    }

    /**
     * Writes a kiss-o'-death header (RFC 5905 section 7.4): leap unsynchronized, stratum 0, the
     * code as reference id, origin and receive timestamps as in a reply; transmit left zero.
     */
    public void writeKissHeader(
            KissCode code, byte[] req, int reqOff, long receiveTimeNtp, byte[] out, int off) {
        writeReplyHeader(req, reqOff, receiveTimeNtp, out, off);
        NtpHeader.writeFirstWord(
                out,
                off,
                LeapIndicator.UNSYNCHRONIZED,
                NtpHeader.version(req, reqOff),
                NtpMode.SERVER,
                0,
                Math.max(NtpHeader.poll(req, reqOff), this.poll),
                precision);
        Bytes.putU32(out, off + NtpHeader.OFFSET_REFERENCE_ID, code.referenceId());
    }
}
