package dev.ntsfarm.control;

import dev.ntsfarm.core.ntp.LeapIndicator;
import java.util.Objects;

/**
 * What the host's clock agent tells the local NTP responder to serve.
 *
 * @param stratum the host clock's stratum (its reference's plus one); 16 when unsynchronised
 * @param referenceId the reference id
 * @param rootDelay seconds, as of the last clock update
 * @param rootDispersion seconds, as of the last clock update
 * @param leap the leap status
 * @param referenceTimeUnixNanos when the clock was last updated; 0 when never
 */
public record ClockSyncState(
        int stratum,
        int referenceId,
        double rootDelay,
        double rootDispersion,
        LeapIndicator leap,
        long referenceTimeUnixNanos) {

    /** NTP's unsynchronised stratum. */
    public static final int UNSYNCHRONISED_STRATUM = 16;

    /** Nothing to serve. */
    public static final ClockSyncState UNSYNCHRONISED =
            new ClockSyncState(UNSYNCHRONISED_STRATUM, 0, 0, 0, LeapIndicator.UNSYNCHRONIZED, 0);

    public ClockSyncState {
        Objects.requireNonNull(leap, "leap");
    }
}
