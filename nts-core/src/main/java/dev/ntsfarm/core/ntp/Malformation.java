package dev.ntsfarm.core.ntp;

/** Why a packet could not be framed into header, extension fields and MAC. */
public enum Malformation {
    /** Fewer than the 48 bytes of a header. */
    PACKET_TOO_SHORT,
    /** NTP packets are whole 32-bit words (RFC 7822 section 3). */
    PACKET_LENGTH_NOT_MULTIPLE_OF_4,
    /** Version 0 or above 4. */
    UNSUPPORTED_VERSION,
    /** A field length below 16, zero included (RFC 7822 section 3). */
    FIELD_TOO_SHORT,
    FIELD_LENGTH_NOT_MULTIPLE_OF_4,
    /** A field length that runs past the end of the packet. */
    FIELD_BEYOND_END,
    /** Bytes left over that are neither a field nor a MAC. */
    TRAILING_BYTES
}
