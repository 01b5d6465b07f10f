package dev.ntsfarm.core.ke;

/** Error record codes (RFC 8915 section 4.1.3). */
public enum KeErrorCode {
    /** The request held a critical record the server does not understand. */
    UNRECOGNIZED_CRITICAL_RECORD(0),
    /** The request was malformed or broke a rule of section 4.1. */
    BAD_REQUEST(1),
    /** The server could not answer for reasons of its own. */
    INTERNAL_SERVER_ERROR(2);

    private final int code;

    KeErrorCode(int code) {
        this.code = code;
    }

    /** The u16 code carried in the Error record body. */
    public int code() {
        return code;
    }

    /** The error with number {@code code}, or {@code null} for a code RFC 8915 does not define. */
    public static KeErrorCode fromCode(int code) {
        for (KeErrorCode e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
