package dev.ntsfarm.core.ntp;

import java.util.Objects;

/**
 * Writes extension fields (RFC 7822 section 3): type, length, body, zero padding to 4 and to a
 * minimum.
 */
public final class ExtensionFieldWriter {

    private ExtensionFieldWriter() {}

    /**
     * Writes a field with body {@code body[bodyOff, bodyOff+bodyLen)} at {@code out[off]}, at least
     * {@code minLength} bytes long (16 at the least); returns the whole-field length written.
     */
    public static int write(
            byte[] out, int off, int type, byte[] body, int bodyOff, int bodyLen, int minLength) {
        int length = ExtensionField.fieldLength(bodyLen, minLength);
        checkLength(length);
        Objects.checkFromIndexSize(off, length, out.length);
        Objects.checkFromIndexSize(bodyOff, bodyLen, body.length);
        System.arraycopy(body, bodyOff, out, off + ExtensionField.HEADER_LENGTH, bodyLen);
        int bodyEnd = off + ExtensionField.HEADER_LENGTH + bodyLen;
        Bytes.zero(out, bodyEnd, off + length - bodyEnd);
        writeHeader(out, off, type, length);
        return length;
    }

    /** Writes a field whose body is {@code bodyLen} zero bytes (a cookie placeholder, for one). */
    public static int writeZeroed(byte[] out, int off, int type, int bodyLen, int minLength) {
        int length = ExtensionField.fieldLength(bodyLen, minLength);
        checkLength(length);
        Objects.checkFromIndexSize(off, length, out.length);
        Bytes.zero(out, off + ExtensionField.HEADER_LENGTH, length - ExtensionField.HEADER_LENGTH);
        writeHeader(out, off, type, length);
        return length;
    }

    /** Writes the 4-byte field header; the body is the caller's. */
    public static void writeHeader(byte[] out, int off, int type, int length) {
        Bytes.putU16(out, off, type);
        Bytes.putU16(out, off + 2, length);
    }

    private static void checkLength(int length) {
        if (length > ExtensionField.MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "extension field of "
                            + length
                            + " bytes (expected: at most "
                            + ExtensionField.MAX_LENGTH
                            + ")");
        }
    }
}
