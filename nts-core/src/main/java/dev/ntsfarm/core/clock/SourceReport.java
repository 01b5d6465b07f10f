package dev.ntsfarm.core.clock;

/**
 * One line of chronyc's {@code sources}, with chronyc's signs.
 *
 * @param mode '^' server, '=' peer, '#' local reference clock
 * @param state the selection state
 * @param name the source's name or address
 * @param stratum its stratum
 * @param poll its poll exponent
 * @param reach its reach register
 * @param lastRx seconds since the last sample, or -1 when none
 * @param lastSample the last sample's offset adjusted for slews since, seconds (positive: the local
 *     clock is ahead of the source)
 * @param lastSampleOriginal the last sample's offset as measured, same sign
 * @param lastSampleError its error bound (root delay / 2 + root dispersion), seconds
 */
public record SourceReport(
        char mode,
        SourceState state,
        String name,
        int stratum,
        int poll,
        Reach reach,
        long lastRx,
        double lastSample,
        double lastSampleOriginal,
        double lastSampleError) {
    /** chronyc's mode symbols. */
    public static final char MODE_SERVER = '^';

    public static final char MODE_PEER = '=';
    public static final char MODE_REFCLOCK = '#';
}
