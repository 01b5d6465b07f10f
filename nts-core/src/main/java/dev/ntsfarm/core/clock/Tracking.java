package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.ntp.LeapIndicator;

/**
 * The clock's tracking state, field for field chronyc's {@code tracking} report, with chronyc's
 * signs.
 *
 * @param refId reference id of the selected source (its IPv4 address, or a hash)
 * @param refName the selected source's name or address, as the report's parenthesis shows
 * @param stratum the selected source's stratum plus one; 0 when unsynchronised
 * @param refTime when the clock was last updated, nanoseconds since the Unix epoch (UTC)
 * @param systemTime the correction still being applied, seconds (positive: the clock is slow of NTP
 *     time)
 * @param lastOffset the offset at the last update, seconds (positive: the clock was ahead)
 * @param rmsOffset long-term average of the offsets, seconds
 * @param frequencyPpm the rate the clock would gain uncorrected, ppm (positive: fast)
 * @param residualFreqPpm the selected source's frequency minus the one in use, ppm
 * @param skewPpm error bound of the frequency, ppm
 * @param rootDelay root delay to the primary reference, seconds
 * @param rootDispersion root dispersion, seconds
 * @param updateInterval seconds between the last two updates
 * @param leap leap status
 */
public record Tracking(
        int refId,
        String refName,
        int stratum,
        long refTime,
        double systemTime,
        double lastOffset,
        double rmsOffset,
        double frequencyPpm,
        double residualFreqPpm,
        double skewPpm,
        double rootDelay,
        double rootDispersion,
        double updateInterval,
        LeapIndicator leap) {

    /** The state before any update: chronyd prints reference id 0, stratum 0, not synchronised. */
    public static Tracking unsynchronised(double frequencyPpm, double skewPpm) {
        return new Tracking(
                0,
                "",
                0,
                0L,
                0.0,
                0.0,
                0.0,
                frequencyPpm,
                0.0,
                skewPpm,
                0.0,
                0.0,
                0.0,
                LeapIndicator.UNSYNCHRONIZED);
    }
}
