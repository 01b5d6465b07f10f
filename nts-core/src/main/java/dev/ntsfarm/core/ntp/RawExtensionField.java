package dev.ntsfarm.core.ntp;

import java.util.Arrays;

/**
 * One framed extension field, a view of the packet's bytes (no copy).
 *
 * @param type the field type (u16)
 * @param buf the packet's array
 * @param offset where the field (its 4-byte header) starts in {@code buf}
 * @param length whole-field length, padding included
 */
public record RawExtensionField(int type, byte[] buf, int offset, int length) {

    public int bodyOffset() {
        return offset + ExtensionField.HEADER_LENGTH;
    }

    public int bodyLength() {
        return length - ExtensionField.HEADER_LENGTH;
    }

    /** A copy of the body (value plus any padding). */
    public byte[] body() {
        return Arrays.copyOfRange(buf, bodyOffset(), offset + length);
    }

    @Override
    public String toString() {
        return "RawExtensionField[type=0x" + Integer.toHexString(type) + ", length=" + length + "]";
    }
}
