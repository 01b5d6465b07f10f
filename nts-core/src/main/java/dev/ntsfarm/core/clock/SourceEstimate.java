package dev.ntsfarm.core.clock;

/**
 * What a source's {@link ClockFilter} makes of its samples: a regression of offset against local
 * time (chrony's sourcestats), plus the single sample with the tightest error bound.
 * Offsets follow RFC 5905's theta (source minus local).
 *
 * @param refTime            local time of the newest sample, nanoseconds since the Unix epoch
 * @param offset             the regression's offset at {@code refTime}, seconds
 * @param offsetSd           standard deviation of {@code offset}, seconds
 * @param slope              d(offset)/dt, seconds per second; positive: the local clock runs slow
 *                           against the source
 * @param slopeSd            standard deviation of {@code slope}
 * @param skew               error bound of {@code slope} (its deviation times Student's t)
 * @param stdDev             the samples' standard deviation around the regression line, seconds
 * @param regressionOk       false with too few samples: then slope is 0 and the bounds are worst case
 * @param samples            samples in the register
 * @param runs               runs of residuals with the same sign
 * @param span               seconds between the oldest and the newest sample
 * @param bestTime           local time of the sample with the smallest distance
 * @param bestOffset         that sample's offset
 * @param bestRootDelay      that sample's root delay
 * @param bestRootDispersion that sample's root dispersion
 * @param lastTime           local time of the newest sample
 * @param lastOffset         the newest sample's offset, corrected for the clock's adjustments since
 * @param lastOriginalOffset the newest sample's offset as measured
 * @param lastError          the newest sample's root delay / 2 + root dispersion
 */
public record SourceEstimate(long refTime, double offset, double offsetSd, double slope, double slopeSd,
                             double skew, double stdDev, boolean regressionOk, int samples, int runs,
                             double span, long bestTime, double bestOffset, double bestRootDelay,
                             double bestRootDispersion, long lastTime, double lastOffset,
                             double lastOriginalOffset, double lastError) {

    /** chrony's maxclockerror default: the local oscillator's frequency error bound, 1 ppm. */
    public static final double MAX_CLOCK_ERROR = 1.0e-6;

    /** The best sample's offset carried forward to {@code now} along the slope. */
    public double offsetAt(long now) {
        return bestOffset + slope * seconds(now - bestTime);
    }

    /** Root distance at {@code now}: the best sample's bound grown by the skew since it was taken. */
    public double distanceAt(long now) {
        return 0.5 * bestRootDelay + bestRootDispersion
                + Math.abs(seconds(now - bestTime)) * (skew + MAX_CLOCK_ERROR);
    }

    /** The regression's offset carried forward to {@code now}. */
    public double estimatedOffsetAt(long now) {
        return offset + slope * seconds(now - refTime);
    }

    /** Root dispersion for tracking: the best sample's, grown by skew to refTime, plus offsetSd. */
    public double rootDispersion() {
        return bestRootDispersion + skew * Math.abs(seconds(refTime - bestTime)) + offsetSd;
    }

    static double seconds(long nanos) {
        return nanos * 1.0e-9;
    }
}
