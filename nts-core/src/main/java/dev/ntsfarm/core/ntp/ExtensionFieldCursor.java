package dev.ntsfarm.core.ntp;

import static dev.ntsfarm.core.ntp.ExtensionField.CRYPTO_NAK_LENGTH;
import static dev.ntsfarm.core.ntp.ExtensionField.HEADER_LENGTH;
import static dev.ntsfarm.core.ntp.ExtensionField.MAC_KEY_ID_LENGTH;
import static dev.ntsfarm.core.ntp.ExtensionField.MAX_V4_MAC_LENGTH;
import static dev.ntsfarm.core.ntp.ExtensionField.MIN_LENGTH;
import static dev.ntsfarm.core.ntp.ExtensionField.MIN_MAC_LENGTH;

/**
 * Walks what follows the header of a packet, one extension field at a time, without allocating: the
 * framing step of parsing. Reusable: {@link #reset} then {@link #next} until it returns something
 * other than {@link Step#FIELD}.
 *
 * <p>The MAC rule is RFC 7822 section 7.5 as chronyd applies it: in NTPv4 a remainder of 20 to 24
 * bytes is a MAC (an extension field that ends a packet without a MAC is at least 28 bytes), and a
 * remainder of exactly 4 zero bytes right after the header is a crypto-NAK. In NTPv1-3 everything
 * after the header is a MAC.
 */
public final class ExtensionFieldCursor {

    /** What {@link #next} found. */
    public enum Step {
        /**
         * A well-formed field: see {@link #type()}, {@link #fieldOffset()}, {@link #fieldLength()}.
         */
        FIELD,
        /** The MAC trailer, which ends the packet: see {@link #macKeyId()}. */
        MAC,
        /** The end of the packet. */
        END,
        /** Framing failed: see {@link #malformation()}. Further calls return it again. */
        MALFORMED
    }

    private byte[] buf;
    private int packetOffset;
    private int pos;
    private int end;
    private int version;
    private Step state = Step.END;
    private Malformation malformation;
    private int type;
    private int fieldOffset;
    private int fieldLength;
    private int fieldCount;
    private boolean fieldsOnly;

    /**
     * Starts over on the packet {@code buf[off, off+len)}. Returns {@link Step#MALFORMED} when the
     * packet itself is unusable (too short, not whole words, unknown version), else {@link
     * Step#FIELD} meaning "call next()".
     */
    public Step reset(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("slice outside the array");
        }
        this.buf = buf;
        this.packetOffset = off;
        this.pos = off + NtpHeader.LENGTH;
        this.end = off + len;
        this.fieldCount = 0;
        this.malformation = null;
        this.type = -1;
        this.fieldOffset = -1;
        this.fieldLength = 0;
        this.fieldsOnly = false;
        if (len < NtpHeader.LENGTH) {
            return fail(Malformation.PACKET_TOO_SHORT);
        }
        if (len % ExtensionField.ALIGNMENT != 0) {
            return fail(Malformation.PACKET_LENGTH_NOT_MULTIPLE_OF_4);
        }
        version = NtpHeader.version(buf, off);
        if (version < 1 || version > NtpHeader.VERSION_4) {
            return fail(Malformation.UNSUPPORTED_VERSION);
        }
        state = Step.FIELD;
        return state;
    }

    /**
     * Starts over on a run of extension fields with no header and no MAC, such as the plaintext of
     * an NTS authenticator (RFC 8915 section 5.6).
     */
    public Step resetFields(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("slice outside the array");
        }
        this.buf = buf;
        this.packetOffset = off;
        this.pos = off;
        this.end = off + len;
        this.fieldCount = 0;
        this.malformation = null;
        this.type = -1;
        this.fieldOffset = -1;
        this.fieldLength = 0;
        this.fieldsOnly = true;
        this.version = NtpHeader.VERSION_4;
        state = Step.FIELD;
        return state;
    }

    /** Frames the next item after the header. */
    public Step next() {
        if (state != Step.FIELD) {
            return state;
        }
        int remainder = end - pos;
        if (remainder == 0) {
            return finish(Step.END);
        }
        if (!fieldsOnly && version < NtpHeader.VERSION_4) {
            return mac(); // RFC 5905: older versions carry no extension fields
        }
        if (fieldsOnly) {
            return frameField(remainder);
        }
        if (fieldCount == 0 && remainder == CRYPTO_NAK_LENGTH && Bytes.s32(buf, pos) == 0) {
            return mac();
        }
        if (remainder >= MIN_MAC_LENGTH && remainder <= MAX_V4_MAC_LENGTH) {
            return mac();
        }
        return frameField(remainder);
    }

    private Step frameField(int remainder) {
        if (remainder < MIN_LENGTH) {
            return fail(Malformation.TRAILING_BYTES);
        }
        int length = Bytes.u16(buf, pos + 2);
        if (length < MIN_LENGTH) {
            return fail(Malformation.FIELD_TOO_SHORT);
        }
        if (length % ExtensionField.ALIGNMENT != 0) {
            return fail(Malformation.FIELD_LENGTH_NOT_MULTIPLE_OF_4);
        }
        if (length > remainder) {
            return fail(Malformation.FIELD_BEYOND_END);
        }
        type = Bytes.u16(buf, pos);
        fieldOffset = pos;
        fieldLength = length;
        pos += length;
        fieldCount++;
        return Step.FIELD;
    }

    private Step mac() {
        fieldOffset = pos;
        fieldLength = end - pos;
        type = -1;
        pos = end;
        return finish(Step.MAC);
    }

    private Step finish(Step step) {
        state = step == Step.MAC ? Step.END : step;
        return step;
    }

    private Step fail(Malformation why) {
        malformation = why;
        state = Step.MALFORMED;
        return state;
    }

    /** The version of the packet (valid after a successful reset). */
    public int version() {
        return version;
    }

    public byte[] buf() {
        return buf;
    }

    /** Where the packet begins in {@link #buf()}. */
    public int packetOffset() {
        return packetOffset;
    }

    /** Type of the current field. */
    public int type() {
        return type;
    }

    /** Start of the current field's header, or of the MAC trailer. */
    public int fieldOffset() {
        return fieldOffset;
    }

    /** Whole length of the current field (padding included), or of the MAC trailer. */
    public int fieldLength() {
        return fieldLength;
    }

    public int bodyOffset() {
        return fieldOffset + HEADER_LENGTH;
    }

    public int bodyLength() {
        return fieldLength - HEADER_LENGTH;
    }

    /** True when the current field is the last thing in the packet. */
    public boolean atEnd() {
        return pos == end;
    }

    /** Number of fields framed so far. */
    public int fieldCount() {
        return fieldCount;
    }

    /** Key id of the MAC trailer just returned. */
    public long macKeyId() {
        return Bytes.u32(buf, fieldOffset);
    }

    /** Digest length of the MAC trailer just returned. */
    public int macDigestLength() {
        return fieldLength - MAC_KEY_ID_LENGTH;
    }

    public Malformation malformation() {
        return malformation;
    }

    /** The current field as a value (allocates; not for the hot path). */
    public RawExtensionField field() {
        return new RawExtensionField(type, buf, fieldOffset, fieldLength);
    }

    /** The MAC trailer just returned as a value (allocates; not for the hot path). */
    public MacTrailer macTrailer() {
        return new MacTrailer(macKeyId(), buf, fieldOffset, macDigestLength());
    }
}
