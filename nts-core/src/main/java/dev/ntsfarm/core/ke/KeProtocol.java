package dev.ntsfarm.core.ke;

/** Names NTS-KE gives itself on the wire (RFC 8915 sections 4 and 7). */
public final class KeProtocol {

    /** TLS ALPN protocol id of NTS-KE (section 4, IANA ALPN registry). */
    public static final String ALPN = "ntske/1";

    /** Default TCP port of an NTS-KE server (section 7, IANA service name {@code ntske}). */
    public static final int DEFAULT_PORT = 4460;

    /** Next Protocol id of NTPv4 (section 4.1.2, IANA "Network Time Security Next Protocols"). */
    public static final int NEXT_PROTOCOL_NTPV4 = 0;

    private KeProtocol() {}
}
