package dev.ntsfarm.core.clock;

/**
 * One line of chronyc's {@code sourcestats}, with chronyc's signs.
 *
 * @param name the source's name or address
 * @param samples NP: samples in the register
 * @param runs NR: runs of residuals with the same sign
 * @param span seconds between the oldest and the newest sample
 * @param frequencyPpm the local clock's frequency against the source, ppm (positive: fast)
 * @param skewPpm the frequency's error bound, ppm
 * @param offset the estimated offset now, seconds (positive: the local clock is ahead)
 * @param stdDev the samples' standard deviation, seconds
 */
public record SourceStatsReport(
        String name,
        int samples,
        int runs,
        long span,
        double frequencyPpm,
        double skewPpm,
        double offset,
        double stdDev) {}
