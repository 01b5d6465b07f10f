package dev.ntsfarm.core.clock;

/**
 * What one discipline update asks of the clock.
 *
 * @param step seconds to step now (positive: forward); 0 for none
 * @param slew seconds to add to the offset being slewed (positive: advance)
 * @param frequencyPpm the clock's new frequency in chronyc's sense (the rate it would gain
 *     uncorrected; the kernel adjustment is its negative)
 * @param deltaFrequency the change in the clock's rate, seconds per second (positive: faster)
 * @param offset the total change in the clock's corrected time, seconds (step + slew)
 * @param correctionRate how fast to slew: the time to correct an offset times that offset, seconds
 *     squared (chrony's correction rate)
 */
public record Correction(
        double step,
        double slew,
        double frequencyPpm,
        double deltaFrequency,
        double offset,
        double correctionRate) {}
