package dev.ntsfarm.core.ke;

import java.util.List;

/** Writes a sequence of records as one NTS-KE message (RFC 8915 section 4). */
public final class KeMessage {

    private KeMessage() {}

    /** Bytes the records take on the wire. */
    public static int encodedLength(List<KeRecord> records) {
        int n = 0;
        for (KeRecord r : records) {
            n += r.encodedLength();
        }
        return n;
    }

    /** The records, header and body each, one after another. */
    public static byte[] encode(List<KeRecord> records) {
        byte[] out = new byte[encodedLength(records)];
        int off = 0;
        for (KeRecord r : records) {
            off = r.encodeTo(out, off);
        }
        return out;
    }
}
