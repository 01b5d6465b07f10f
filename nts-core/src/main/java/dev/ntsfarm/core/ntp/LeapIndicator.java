package dev.ntsfarm.core.ntp;

/** The two leap bits of the NTP header (RFC 5905 figure 9). */
public enum LeapIndicator {
    NO_WARNING,
    /** The last minute of the day has 61 seconds. */
    INSERT_SECOND,
    /** The last minute of the day has 59 seconds. */
    DELETE_SECOND,
    /** Clock unsynchronized; also what a kiss-o'-death carries. */
    UNSYNCHRONIZED;

    private static final LeapIndicator[] BY_CODE = values();

    public int code() {
        return ordinal();
    }

    /** The indicator of the low two bits of {@code code}. */
    public static LeapIndicator of(int code) {
        return BY_CODE[code & 3];
    }
}
