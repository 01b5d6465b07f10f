package dev.ntsfarm.core.ntp;

/** Why a responder sends nothing back: a closed list, counted once by the service's statistics. */
public enum DropReason {
    /** Shorter than an NTP header, or longer than the server reads. */
    WRONG_LENGTH,
    /** The sender is not allowed ({@code allow}/{@code deny}). */
    ACCESS_DENIED,
    /** {@code ratelimit}: the client asked too often. */
    RATE_LIMITED,
    /**
     * A NAK the server does not send: it holds no NTS keys, or the client is rate limited (chronyd
     * sends neither a NAK then nor a RATE kiss instead).
     */
    NAK_WITHHELD,
    /** Not mode 3 (RFC 5905 section 9.2: a server answers client requests). */
    NOT_A_CLIENT_REQUEST,
    /** The packet does not frame (RFC 7822): see {@link Malformation}. */
    MALFORMED,
    /** NTS fields without a Unique Identifier (RFC 8915 section 5.3). */
    NO_UNIQUE_IDENTIFIER,
    /** A Unique Identifier of fewer than 32 bytes. */
    UNIQUE_IDENTIFIER_TOO_SHORT,
    MORE_THAN_ONE_UNIQUE_IDENTIFIER,
    /** NTS fields without a cookie (RFC 8915 section 5.7: exactly one). */
    NO_COOKIE,
    MORE_THAN_ONE_COOKIE,
    /** More than 7 placeholders (a client holds at most 8 cookies). */
    TOO_MANY_PLACEHOLDERS,
    /** A placeholder whose body is not as long as the cookie's (RFC 8915 section 5.5). */
    PLACEHOLDER_LENGTH_MISMATCH,
    AUTHENTICATOR_MISSING,
    /** Fields after the authenticator, which nothing authenticates (RFC 8915 section 5.6). */
    AUTHENTICATOR_NOT_LAST,
    /** Nonce or ciphertext lengths or padding against RFC 8915 section 5.6. */
    AUTHENTICATOR_MALFORMED,
    /** The authenticated plaintext is not a run of extension fields. */
    ENCRYPTED_FIELDS_MALFORMED,
    /** NTS fields and a symmetric-key MAC in one packet. */
    NTS_WITH_MAC,
    /** The symmetric-key MAC fails, or its key is unknown (a crypto-NAK included). */
    BAD_MAC,
    /** The MAC verified but the reply could not be signed (the key went away in between). */
    MAC_NOT_SIGNED
}
