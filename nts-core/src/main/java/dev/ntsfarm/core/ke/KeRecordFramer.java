package dev.ntsfarm.core.ke;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * First step of reading an NTS-KE message: cut the bytes into records up to and including End of
 * Message (RFC 8915 section 4), bounded by a message length limit. Types and bodies are not judged
 * here; {@link KeRequest} and {@link KeResponseParser} do that.
 */
public final class KeRecordFramer {

    private KeRecordFramer() {}

    /** Frames a request with the server's limit, {@link KeLimits#MAX_MESSAGE_LENGTH}. */
    public static KeFrame frame(byte[] buf, int off, int len) {
        return frame(buf, off, len, KeLimits.MAX_MESSAGE_LENGTH);
    }

    /**
     * Frames the message that starts at {@code buf[off]}, of which {@code len} bytes have arrived.
     *
     * @param maxMessageLength the longest message accepted; a message that would be longer, End of
     *     Message included, is {@link KeFrame.Malformed} as soon as a header says so, before its
     *     body arrives
     */
    public static KeFrame frame(byte[] buf, int off, int len, int maxMessageLength) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (maxMessageLength < KeLimits.RECORD_HEADER_LENGTH) {
            throw new IllegalArgumentException(
                    "maxMessageLength "
                            + maxMessageLength
                            + " (expected: at least "
                            + KeLimits.RECORD_HEADER_LENGTH
                            + ")");
        }
        List<KeRecord> records = new ArrayList<>();
        int pos = off;
        int end = off + len;
        while (true) {
            int used = pos - off;
            // End of Message is a record too, so it must still fit.
            if (used + KeLimits.RECORD_HEADER_LENGTH > maxMessageLength) {
                return new KeFrame.Malformed(
                        "no End of Message within " + maxMessageLength + " bytes");
            }
            if (end - pos < KeLimits.RECORD_HEADER_LENGTH) {
                return KeFrame.NeedsMoreData.INSTANCE;
            }
            int first = KeWire.u16(buf, pos);
            int bodyLength = KeWire.u16(buf, pos + 2);
            int recordEnd = used + KeLimits.RECORD_HEADER_LENGTH + bodyLength;
            if (recordEnd > maxMessageLength) {
                return new KeFrame.Malformed(
                        "record of "
                                + bodyLength
                                + " body bytes at offset "
                                + used
                                + " passes the "
                                + maxMessageLength
                                + "-byte message limit");
            }
            if (end - pos - KeLimits.RECORD_HEADER_LENGTH < bodyLength) {
                return KeFrame.NeedsMoreData.INSTANCE;
            }
            int bodyStart = pos + KeLimits.RECORD_HEADER_LENGTH;
            int type = first & KeRecordType.MAX_TYPE;
            records.add(
                    new KeRecord(
                            (first & KeRecordType.CRITICAL_BIT) != 0,
                            type,
                            Arrays.copyOfRange(buf, bodyStart, bodyStart + bodyLength)));
            pos = bodyStart + bodyLength;
            if (type == KeRecordType.END_OF_MESSAGE.code()) {
                return new KeFrame.Complete(records, pos - off);
            }
        }
    }
}
