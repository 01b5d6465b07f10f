package dev.ntsfarm.agent.source;

import dev.ntsfarm.core.ntp.LeapIndicator;

/**
 * One measurement from the four timestamps of RFC 5905 section 8: T1 our transmit, T2 the server's
 * receive, T3 its transmit, T4 our receive. Offset is positive when the local clock is behind.
 *
 * @param localUnixNanos   T4, when the sample was taken
 * @param offset           ((T2 - T1) + (T3 - T4)) / 2, seconds
 * @param delay            (T4 - T1) - (T3 - T2), seconds, never below the precision
 * @param dispersion       the sample's own error estimate, seconds
 * @param rootDelay        the server's root delay, seconds
 * @param rootDispersion   the server's root dispersion, seconds
 */
public record Sample(long localUnixNanos, double offset, double delay, double dispersion, int stratum,
                     int referenceId, double rootDelay, double rootDispersion, LeapIndicator leap,
                     long referenceTimeUnixNanos) {

    /** Precision assumed for our own timestamps (chrony reads it from the system; 2^-20 s is typical). */
    public static final double LOCAL_PRECISION = 1.0 / (1 << 20);

    /** Builds a sample from the four timestamps in Unix nanoseconds. */
    public static Sample of(long t1, long t2, long t3, long t4, int stratum, int referenceId, double rootDelay,
                            double rootDispersion, LeapIndicator leap, long referenceTimeUnixNanos,
                            int serverPrecisionExponent) {
        double offset = ((t2 - t1) + (double) (t3 - t4)) / 2e9;
        double delay = Math.max(((t4 - t1) - (double) (t3 - t2)) / 1e9, LOCAL_PRECISION);
        double dispersion = LOCAL_PRECISION + Math.scalb(1.0, serverPrecisionExponent);
        return new Sample(t4, offset, delay, dispersion, stratum, referenceId, rootDelay, rootDispersion, leap,
                referenceTimeUnixNanos);
    }

    /** Error bound of the offset: half the delay plus dispersion (chronyc's "+/-" for one sample). */
    public double errorBound() {
        return delay / 2 + dispersion;
    }

    /** Root distance of the sample (RFC 5905 section 10): what selection ranks sources by. */
    public double rootDistance() {
        return (rootDelay + delay) / 2 + rootDispersion + dispersion;
    }
}
