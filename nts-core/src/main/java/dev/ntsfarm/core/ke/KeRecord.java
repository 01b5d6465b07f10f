package dev.ntsfarm.core.ke;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One NTS-KE record (RFC 8915 section 4): C bit, 15-bit type, body. Records of types we do not know
 * are kept as they are, so a message can be checked for critical ones and re-encoded.
 *
 * <p>The body is copied in and out; {@link #toString()} prints its length only, since a cookie body
 * wraps key material.
 */
public record KeRecord(boolean critical, int type, byte[] body) {

    public KeRecord {
        if (type < 0 || type > KeRecordType.MAX_TYPE) {
            throw new IllegalArgumentException(
                    "record type " + type + " (expected: 0.." + KeRecordType.MAX_TYPE + ")");
        }
        if (body.length > KeLimits.MAX_RECORD_BODY_LENGTH) {
            throw new IllegalArgumentException(
                    "record body of "
                            + body.length
                            + " bytes (expected: at most "
                            + KeLimits.MAX_RECORD_BODY_LENGTH
                            + ")");
        }
        body = body.clone();
    }

    public KeRecord(boolean critical, KeRecordType type, byte[] body) {
        this(critical, type.code(), body);
    }

    /** Section 4.1.1. */
    public static KeRecord endOfMessage() {
        return new KeRecord(true, KeRecordType.END_OF_MESSAGE, new byte[0]);
    }

    /** Section 4.1.2: always critical. */
    public static KeRecord nextProtocolNegotiation(List<Integer> protocols) {
        return new KeRecord(true, KeRecordType.NEXT_PROTOCOL_NEGOTIATION, u16s(protocols));
    }

    /** Section 4.1.3: always critical. */
    public static KeRecord error(int code) {
        return new KeRecord(true, KeRecordType.ERROR, u16s(List.of(code)));
    }

    /** Section 4.1.4: always critical. */
    public static KeRecord warning(int code) {
        return new KeRecord(true, KeRecordType.WARNING, u16s(List.of(code)));
    }

    /** Section 4.1.5: the C bit may be set; chrony sets it, and so do we. */
    public static KeRecord aeadAlgorithmNegotiation(List<Integer> aeadIds) {
        return new KeRecord(true, KeRecordType.AEAD_ALGORITHM_NEGOTIATION, u16s(aeadIds));
    }

    /** Section 4.1.6: never critical. */
    public static KeRecord newCookie(byte[] cookie) {
        return new KeRecord(false, KeRecordType.NEW_COOKIE_FOR_NTPV4, cookie);
    }

    /** Section 4.1.7: {@code name} is an IPv4 or IPv6 literal or an FQDN, in ASCII. */
    public static KeRecord ntpv4ServerNegotiation(boolean critical, String name) {
        return new KeRecord(
                critical,
                KeRecordType.NTPV4_SERVER_NEGOTIATION,
                name.getBytes(StandardCharsets.US_ASCII));
    }

    /** Section 4.1.8. */
    public static KeRecord ntpv4PortNegotiation(boolean critical, int port) {
        return new KeRecord(critical, KeRecordType.NTPV4_PORT_NEGOTIATION, u16s(List.of(port)));
    }

    /**
     * chrony 4.6.1's record 1024: empty and never critical, so peers that do not know it skip it.
     */
    public static KeRecord compliant128GcmExport() {
        return new KeRecord(false, KeRecordType.COMPLIANT_128GCM_EXPORT, new byte[0]);
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    public int bodyLength() {
        return body.length;
    }

    /** The {@code index}-th big-endian u16 of the body. */
    public int bodyU16(int index) {
        return KeWire.u16(body, 2 * index);
    }

    /** The known type of this record, or {@code null} for a type we do not implement. */
    public KeRecordType knownType() {
        return KeRecordType.fromCode(type);
    }

    /** Bytes this record takes on the wire. */
    public int encodedLength() {
        return KeLimits.RECORD_HEADER_LENGTH + body.length;
    }

    /** Writes header and body at {@code off}; returns the offset after the record. */
    public int encodeTo(byte[] out, int off) {
        KeWire.putU16(out, off, (critical ? KeRecordType.CRITICAL_BIT : 0) | type);
        KeWire.putU16(out, off + 2, body.length);
        System.arraycopy(body, 0, out, off + KeLimits.RECORD_HEADER_LENGTH, body.length);
        return off + encodedLength();
    }

    /** The body read as a list of u16, or {@code null} when its length is odd. */
    List<Integer> bodyU16List() {
        return KeWire.u16List(body);
    }

    /** The body as ASCII when it is a usable NTP server name, else {@code null}. */
    String bodyServerName() {
        return KeWire.serverName(body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeRecord r
                && r.critical == critical
                && r.type == type
                && Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Boolean.hashCode(critical) + type) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        KeRecordType known = knownType();
        return "KeRecord["
                + (known == null ? "type " + type : known + "(" + type + ")")
                + (critical ? ", critical" : "")
                + ", "
                + body.length
                + " body bytes]";
    }

    private static byte[] u16s(List<Integer> values) {
        byte[] out = new byte[2 * values.size()];
        for (int i = 0; i < values.size(); i++) {
            int v = values.get(i);
            if (v < 0 || v > 0xFFFF) {
                throw new IllegalArgumentException("u16 value " + v + " (expected: 0..65535)");
            }
            KeWire.putU16(out, 2 * i, v);
        }
        return out;
    }
}
