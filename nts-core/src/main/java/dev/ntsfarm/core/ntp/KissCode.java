package dev.ntsfarm.core.ntp;

import java.nio.charset.StandardCharsets;

/**
 * Kiss-o'-death codes: four ASCII letters in the reference id of a stratum 0 packet (RFC 5905
 * section 7.4, and NTSN from RFC 8915 section 5.7).
 */
public enum KissCode {
    ACST,
    AUTH,
    AUTO,
    BCST,
    CRYP,
    DENY,
    DROP,
    RSTR,
    INIT,
    MCST,
    NKEY,
    /** NTS negative acknowledgment: the server could not open the cookie (RFC 8915 section 5.7). */
    NTSN,
    RATE,
    RMOT,
    STEP;

    private static final KissCode[] ALL = values();
    private final int referenceId;

    KissCode() {
        byte[] ascii = name().getBytes(StandardCharsets.US_ASCII);
        this.referenceId = Bytes.s32(ascii, 0);
    }

    /** The code as the header's reference id. */
    public int referenceId() {
        return referenceId;
    }

    /** The code a reference id carries, or {@code null} when it is none of the known ones. */
    public static KissCode ofReferenceId(int referenceId) {
        for (KissCode k : ALL) {
            if (k.referenceId == referenceId) {
                return k;
            }
        }
        return null;
    }
}
