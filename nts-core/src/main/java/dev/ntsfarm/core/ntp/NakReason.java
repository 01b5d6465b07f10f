package dev.ntsfarm.core.ntp;

/** Why a server answers with an NTS NAK (RFC 8915 section 5.7): a closed list, counted once. */
public enum NakReason {
    /** The cookie does not open under any key the server holds (expired, foreign or damaged). */
    COOKIE_NOT_OPENED,
    /** The cookie opened but the request's authenticator does not verify with its C2S key. */
    AUTHENTICATOR_FAILED
}
