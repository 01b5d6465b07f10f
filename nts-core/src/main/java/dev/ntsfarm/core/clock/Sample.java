package dev.ntsfarm.core.clock;

/**
 * One measurement of a source (RFC 5905 section 8): what the clock filter takes in.
 *
 * @param localTime local clock at the measurement, nanoseconds since the Unix epoch
 * @param offset theta, source minus local, seconds (positive: the local clock is behind)
 * @param delay round-trip delay delta to the source, seconds
 * @param dispersion epsilon, the measurement's own error bound, seconds
 * @param rootDelay delay to the source's primary reference: the source's root delay plus delay
 * @param rootDispersion the source's root dispersion plus dispersion, seconds
 */
public record Sample(
        long localTime,
        double offset,
        double delay,
        double dispersion,
        double rootDelay,
        double rootDispersion) {

    /** A sample from a primary source (stratum 1): its root is this path. */
    public static Sample direct(long localTime, double offset, double delay, double dispersion) {
        return new Sample(localTime, offset, delay, dispersion, delay, dispersion);
    }

    /**
     * The same measurement seen after the local clock was corrected by {@code byOffset} seconds.
     */
    Sample shifted(double byOffset) {
        return new Sample(
                localTime, offset - byOffset, delay, dispersion, rootDelay, rootDispersion);
    }
}
