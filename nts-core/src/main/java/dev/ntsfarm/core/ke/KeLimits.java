package dev.ntsfarm.core.ke;

/** Every size and count NTS-KE bounds, named once. */
public final class KeLimits {

    /** Record header: C bit and type (u16), then body length (u16) (RFC 8915 section 4). */
    public static final int RECORD_HEADER_LENGTH = 4;

    /** A body length is a u16. */
    public static final int MAX_RECORD_BODY_LENGTH = 0xFFFF;

    /** Largest message we read or write (chrony: {@code NKE_MAX_MESSAGE_LENGTH}). */
    public static final int MAX_MESSAGE_LENGTH = 16384;

    /** Servers MUST accept requests of at least this many octets (RFC 8915 section 4). */
    public static final int MIN_ACCEPTED_REQUEST_LENGTH = 1024;

    /** Clients SHOULD accept responses of at least this many octets (RFC 8915 section 4). */
    public static final int MIN_ACCEPTED_RESPONSE_LENGTH = 65536;

    /**
     * Cookies a server hands out per session: eight, so a client can send eight requests (chrony
     * too).
     */
    public static final int COOKIES_PER_RESPONSE = 8;

    /** Cookies a client keeps from one response (chrony: {@code NKE_MAX_COOKIES}). */
    public static final int MAX_COOKIES = 8;

    /** Longest cookie we send or keep (chrony: {@code NKE_MAX_COOKIE_LENGTH}). */
    public static final int MAX_COOKIE_LENGTH = 256;

    /** Longest NTPv4 Server Negotiation name: a DNS name is at most 255 octets. */
    public static final int MAX_SERVER_NAME_LENGTH = 255;

    /** An idle server session is closed after this long (chrony's NTS-KE server timeout). */
    public static final long SERVER_IDLE_TIMEOUT_MILLIS = 2000;

    private KeLimits() {}
}
