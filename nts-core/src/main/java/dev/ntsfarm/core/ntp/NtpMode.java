package dev.ntsfarm.core.ntp;

/** The association mode of the NTP header (RFC 5905 figure 10). */
public enum NtpMode {
    RESERVED,
    SYMMETRIC_ACTIVE,
    SYMMETRIC_PASSIVE,
    CLIENT,
    SERVER,
    BROADCAST,
    CONTROL,
    PRIVATE;

    private static final NtpMode[] BY_CODE = values();

    public int code() {
        return ordinal();
    }

    /** The mode of the low three bits of {@code code}. */
    public static NtpMode of(int code) {
        return BY_CODE[code & 7];
    }
}
