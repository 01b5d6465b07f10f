package dev.ntsfarm.core.clock;

/** The leap indicator (RFC 5905 section 7.3), with chronyc's {@code tracking} words. */
public enum LeapStatus {
    NORMAL("Normal"),
    INSERT_SECOND("Insert second"),
    DELETE_SECOND("Delete second"),
    UNSYNCHRONISED("Not synchronised");

    private final String label;

    LeapStatus(String label) {
        this.label = label;
    }

    /** The LI field's value, 0..3. */
    public int indicator() {
        return ordinal();
    }

    /** The status for an LI field value (only the low two bits are read). */
    public static LeapStatus ofIndicator(int li) {
        return values()[li & 3];
    }

    /** What chronyc's {@code tracking} prints on its "Leap status" line. */
    public String label() {
        return label;
    }
}
