package dev.ntsfarm.core.ke;

/**
 * NTS-KE record types (RFC 8915 section 4.1, IANA "Network Time Security Key Establishment Record
 * Types"), plus chrony's private-range record for the compliant AES-128-GCM-SIV exporter context.
 */
public enum KeRecordType {
    /** Section 4.1.1: last record of every message; critical, empty body. */
    END_OF_MESSAGE(0),
    /** Section 4.1.2: u16 protocol ids; critical; exactly once in request and response. */
    NEXT_PROTOCOL_NEGOTIATION(1),
    /** Section 4.1.3: u16 error code; critical; servers only. */
    ERROR(2),
    /** Section 4.1.4: u16 warning code; critical; servers only. */
    WARNING(3),
    /** Section 4.1.5: u16 AEAD ids, in the client's preference order; at most one in a response. */
    AEAD_ALGORITHM_NEGOTIATION(4),
    /** Section 4.1.6: one opaque cookie; never critical; servers only. */
    NEW_COOKIE_FOR_NTPV4(5),
    /** Section 4.1.7: ASCII IPv4, IPv6 or FQDN of the NTP server. */
    NTPV4_SERVER_NEGOTIATION(6),
    /** Section 4.1.8: u16 UDP port of the NTP server. */
    NTPV4_PORT_NEGOTIATION(7),
    /**
     * chrony 4.6.1 ({@code NKE_RECORD_COMPLIANT_128GCM_EXPORT}): empty, non-critical. A client
     * sends it when it offers AES-128-GCM-SIV; a server echoes it when it chose AES-128-GCM-SIV and
     * will derive keys with id 30 in the exporter context. Without it, chrony up to 4.6.0 puts id
     * 15 there.
     */
    COMPLIANT_128GCM_EXPORT(1024);

    /** The C bit: the top bit of the first header word (section 4). */
    public static final int CRITICAL_BIT = 0x8000;

    /** The type number lives in the 15 bits below the C bit. */
    public static final int MAX_TYPE = 0x7FFF;

    private final int code;

    KeRecordType(int code) {
        this.code = code;
    }

    /** The record type number as sent on the wire (without the C bit). */
    public int code() {
        return code;
    }

    /**
     * The type with number {@code code}, or {@code null} when this implementation does not know it.
     */
    public static KeRecordType fromCode(int code) {
        return switch (code) {
            case 0 -> END_OF_MESSAGE;
            case 1 -> NEXT_PROTOCOL_NEGOTIATION;
            case 2 -> ERROR;
            case 3 -> WARNING;
            case 4 -> AEAD_ALGORITHM_NEGOTIATION;
            case 5 -> NEW_COOKIE_FOR_NTPV4;
            case 6 -> NTPV4_SERVER_NEGOTIATION;
            case 7 -> NTPV4_PORT_NEGOTIATION;
            case 1024 -> COMPLIANT_128GCM_EXPORT;
            default -> null;
        };
    }
}
