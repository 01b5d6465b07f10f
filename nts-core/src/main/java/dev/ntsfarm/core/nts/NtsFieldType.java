package dev.ntsfarm.core.nts;

/**
 * NTS extension-field types and the limits that go with them (RFC 8915 sections 5.3-5.7), named
 * once.
 */
public final class NtsFieldType {

    private NtsFieldType() {}

    /** Unique Identifier (RFC 8915 section 5.3). */
    public static final int UNIQUE_IDENTIFIER = 0x0104;

    /** NTS Cookie (RFC 8915 section 5.4). */
    public static final int NTS_COOKIE = 0x0204;

    /** NTS Cookie Placeholder (RFC 8915 section 5.5). */
    public static final int COOKIE_PLACEHOLDER = 0x0304;

    /** NTS Authenticator and Encrypted Extension Fields (RFC 8915 section 5.6). */
    public static final int AUTHENTICATOR = 0x0404;

    /** A unique identifier carries at least 32 bytes of random data (RFC 8915 section 5.3). */
    public static final int MIN_UNIQUE_IDENTIFIER_LENGTH = 32;

    /** Bytes of random data in the identifiers this implementation sends. */
    public static final int UNIQUE_IDENTIFIER_LENGTH = 32;

    /**
     * A client keeps up to 8 cookies (RFC 8915 section 6), so a request asks for at most 7 more.
     */
    public static final int MAX_PLACEHOLDERS = 7;

    /** At most one cookie plus its placeholders comes back. */
    public static final int MAX_COOKIES = MAX_PLACEHOLDERS + 1;

    /** Nonce length (u16) and ciphertext length (u16) before the nonce (RFC 8915 section 5.6). */
    public static final int AUTHENTICATOR_HEADER_LENGTH = 4;

    /**
     * A sender's nonce, padding included, covers at least 16 bytes when the AEAD allows it (RFC
     * 8915 section 5.6).
     */
    public static final int MIN_PADDED_NONCE_LENGTH = 16;

    /** True for the four NTS types. */
    public static boolean isNts(int type) {
        return type == UNIQUE_IDENTIFIER
                || type == NTS_COOKIE
                || type == COOKIE_PLACEHOLDER
                || type == AUTHENTICATOR;
    }
}
