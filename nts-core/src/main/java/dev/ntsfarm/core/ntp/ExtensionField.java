package dev.ntsfarm.core.ntp;

/** Sizes and limits of NTPv4 extension fields and MAC trailers (RFC 7822), named once. */
public final class ExtensionField {

    private ExtensionField() {}

    /** Field type (u16) and field length (u16) (RFC 7822 section 3). */
    public static final int HEADER_LENGTH = 4;

    /** Smallest valid field, header included (RFC 7822 section 3). */
    public static final int MIN_LENGTH = 16;

    /** Fields are padded to a multiple of a 32-bit word (RFC 7822 section 3). */
    public static final int ALIGNMENT = 4;

    /** Largest value the 16-bit length can express that is also word aligned. */
    public static final int MAX_LENGTH = 0xFFFC;

    /**
     * A last field with no MAC after it must be at least this long to tell it from a MAC (RFC 7822
     * section 7.5).
     */
    public static final int MIN_LAST_LENGTH_WITHOUT_MAC = 28;

    /** Key id (u32) before the digest of a MAC. */
    public static final int MAC_KEY_ID_LENGTH = 4;

    /** Smallest MAC: key id + 16-byte digest (MD5, AES-CMAC). */
    public static final int MIN_MAC_LENGTH = 4 + 16;

    /**
     * Largest MAC after NTPv4 extension fields: key id + 20-byte digest (SHA1 or truncated), RFC
     * 7822 section 7.5.
     */
    public static final int MAX_V4_MAC_LENGTH = 4 + 20;

    /** Largest MAC of an NTPv3-style packet: key id + 64-byte digest (SHA512). */
    public static final int MAX_MAC_LENGTH = 4 + 64;

    /** A crypto-NAK: a key id of zero and no digest (RFC 5905 section 7.5). */
    public static final int CRYPTO_NAK_LENGTH = 4;

    /**
     * Whole-field length of a body of {@code bodyLength} bytes: header, padding to 4, at least
     * {@code minLength}.
     */
    public static int fieldLength(int bodyLength, int minLength) {
        return Math.max(
                Bytes.padded4(HEADER_LENGTH + bodyLength),
                Math.max(MIN_LENGTH, Bytes.padded4(minLength)));
    }
}
