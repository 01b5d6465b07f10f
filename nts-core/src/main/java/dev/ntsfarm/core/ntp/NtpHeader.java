package dev.ntsfarm.core.ntp;

/**
 * The 48-byte NTP packet header (RFC 5905 section 7.3). Reading checks bounds and returns a value;
 * writing fills a caller's array and allocates nothing.
 */
public record NtpHeader(
        LeapIndicator leap,
        int version,
        NtpMode mode,
        int stratum,
        int poll,
        int precision,
        NtpShort rootDelay,
        NtpShort rootDispersion,
        int referenceId,
        NtpTimestamp referenceTimestamp,
        NtpTimestamp originTimestamp,
        NtpTimestamp receiveTimestamp,
        NtpTimestamp transmitTimestamp) {

    /** Length of the header; everything after it is extension fields or a MAC. */
    public static final int LENGTH = 48;

    /** The version this implementation speaks (RFC 5905). */
    public static final int VERSION_4 = 4;

    // byte offsets within the header (RFC 5905 figure 8)
    public static final int OFFSET_LI_VN_MODE = 0;
    public static final int OFFSET_STRATUM = 1;
    public static final int OFFSET_POLL = 2;
    public static final int OFFSET_PRECISION = 3;
    public static final int OFFSET_ROOT_DELAY = 4;
    public static final int OFFSET_ROOT_DISPERSION = 8;
    public static final int OFFSET_REFERENCE_ID = 12;
    public static final int OFFSET_REFERENCE_TIMESTAMP = 16;
    public static final int OFFSET_ORIGIN_TIMESTAMP = 24;
    public static final int OFFSET_RECEIVE_TIMESTAMP = 32;
    public static final int OFFSET_TRANSMIT_TIMESTAMP = 40;

    public NtpHeader {
        if (version < 0
                || version > 7
                || stratum < 0
                || stratum > 255
                || poll < Byte.MIN_VALUE
                || poll > Byte.MAX_VALUE
                || precision < Byte.MIN_VALUE
                || precision > Byte.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "header field out of range (expected: version 0..7, "
                            + "stratum 0..255, poll and precision -128..127)");
        }
    }

    /**
     * Reads a header from {@code buf[off, off+len)}; a slice shorter than 48 bytes is a value, not
     * an error.
     */
    public static Read read(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("slice outside the array");
        }
        if (len < LENGTH) {
            return new Read.Truncated(len);
        }
        int first = buf[off + OFFSET_LI_VN_MODE] & 0xFF;
        return new Read.Parsed(
                new NtpHeader(
                        LeapIndicator.of(first >>> 6),
                        (first >>> 3) & 7,
                        NtpMode.of(first),
                        Bytes.u8(buf, off + OFFSET_STRATUM),
                        buf[off + OFFSET_POLL],
                        buf[off + OFFSET_PRECISION],
                        new NtpShort(Bytes.s32(buf, off + OFFSET_ROOT_DELAY)),
                        new NtpShort(Bytes.s32(buf, off + OFFSET_ROOT_DISPERSION)),
                        Bytes.s32(buf, off + OFFSET_REFERENCE_ID),
                        new NtpTimestamp(
                                NtpTimestamp.readBits(buf, off + OFFSET_REFERENCE_TIMESTAMP)),
                        new NtpTimestamp(NtpTimestamp.readBits(buf, off + OFFSET_ORIGIN_TIMESTAMP)),
                        new NtpTimestamp(
                                NtpTimestamp.readBits(buf, off + OFFSET_RECEIVE_TIMESTAMP)),
                        new NtpTimestamp(
                                NtpTimestamp.readBits(buf, off + OFFSET_TRANSMIT_TIMESTAMP))));
    }

    /** Writes the 48 bytes at {@code out[off]}; returns {@link #LENGTH}. */
    public int write(byte[] out, int off) {
        writeFirstWord(out, off, leap, version, mode, stratum, poll, precision);
        Bytes.putU32(out, off + OFFSET_ROOT_DELAY, rootDelay.bits());
        Bytes.putU32(out, off + OFFSET_ROOT_DISPERSION, rootDispersion.bits());
        Bytes.putU32(out, off + OFFSET_REFERENCE_ID, referenceId);
        referenceTimestamp.write(out, off + OFFSET_REFERENCE_TIMESTAMP);
        originTimestamp.write(out, off + OFFSET_ORIGIN_TIMESTAMP);
        receiveTimestamp.write(out, off + OFFSET_RECEIVE_TIMESTAMP);
        transmitTimestamp.write(out, off + OFFSET_TRANSMIT_TIMESTAMP);
        return LENGTH;
    }

    /** Writes leap, version, mode, stratum, poll and precision (the first 4 bytes). */
    public static void writeFirstWord(
            byte[] out,
            int off,
            LeapIndicator leap,
            int version,
            NtpMode mode,
            int stratum,
            int poll,
            int precision) {
        out[off + OFFSET_LI_VN_MODE] =
                (byte) ((leap.code() << 6) | ((version & 7) << 3) | mode.code());
        out[off + OFFSET_STRATUM] = (byte) stratum;
        out[off + OFFSET_POLL] = (byte) poll;
        out[off + OFFSET_PRECISION] = (byte) precision;
    }

    // field access on raw bytes for the hot path; the caller has checked that 48 bytes are there

    public static int version(byte[] buf, int off) {
        return (buf[off + OFFSET_LI_VN_MODE] >>> 3) & 7;
    }

    public static NtpMode mode(byte[] buf, int off) {
        return NtpMode.of(buf[off + OFFSET_LI_VN_MODE]);
    }

    public static int stratum(byte[] buf, int off) {
        return Bytes.u8(buf, off + OFFSET_STRATUM);
    }

    public static int poll(byte[] buf, int off) {
        return buf[off + OFFSET_POLL];
    }

    public static int referenceId(byte[] buf, int off) {
        return Bytes.s32(buf, off + OFFSET_REFERENCE_ID);
    }

    public static long originTimestamp(byte[] buf, int off) {
        return NtpTimestamp.readBits(buf, off + OFFSET_ORIGIN_TIMESTAMP);
    }

    public static long receiveTimestamp(byte[] buf, int off) {
        return NtpTimestamp.readBits(buf, off + OFFSET_RECEIVE_TIMESTAMP);
    }

    public static long transmitTimestamp(byte[] buf, int off) {
        return NtpTimestamp.readBits(buf, off + OFFSET_TRANSMIT_TIMESTAMP);
    }

    /** The kiss code of a kiss-o'-death packet (stratum 0), or {@code null}. */
    public KissCode kissCode() {
        return stratum == 0 ? KissCode.ofReferenceId(referenceId) : null;
    }

    /** Outcome of {@link #read}. */
    public sealed interface Read {
        record Parsed(NtpHeader header) implements Read {}

        /** Fewer than 48 bytes were there. */
        record Truncated(int available) implements Read {}
    }
}
