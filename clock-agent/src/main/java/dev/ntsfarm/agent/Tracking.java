package dev.ntsfarm.agent;

import dev.ntsfarm.core.ntp.LeapIndicator;

/**
 * The agent's view of its synchronisation, what chronyc's {@code tracking} shows and what the local
 * NTP responder serves (stratum + 1 of the reference, its id, root delay and dispersion, leap).
 *
 * @param referenceId      the reference's id (an IPv4 address, or a hash of another address), 0 when unsynchronised
 * @param referenceName    the reference's name or address, empty when unsynchronised
 * @param stratum          our stratum: the reference's plus one, 0 when unsynchronised
 * @param referenceTimeUnixNanos when the last update was made, 0 when never
 * @param systemTime       the offset still to correct, seconds (positive: the clock is behind)
 * @param lastOffset       the last measured offset, seconds (positive: the clock is behind)
 * @param frequencyPpm     the clock's frequency correction, ppm (positive: the clock runs fast and is slowed)
 * @param rootDelay        seconds
 * @param rootDispersion   seconds
 */
public record Tracking(int referenceId, String referenceName, int stratum, long referenceTimeUnixNanos,
                       double systemTime, double lastOffset, double rmsOffset, double frequencyPpm,
                       double residualFrequencyPpm, double skewPpm, double rootDelay, double rootDispersion,
                       double updateInterval, LeapIndicator leap) {

    public static final Tracking UNSYNCHRONISED = new Tracking(0, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            LeapIndicator.UNSYNCHRONIZED);

    public boolean synchronised() {
        return leap != LeapIndicator.UNSYNCHRONIZED;
    }
}
