package dev.ntsfarm.core.clock;

/**
 * What one discipline update asks of the clock; {@link #applyTo} carries it out.
 *
 * @param step              seconds to step now (positive: forward); 0 for none
 * @param slew              seconds to add to the pending slew (positive: advance)
 * @param frequencyPpm      the clock's new frequency in chronyc's sense (the rate it would gain
 *                          uncorrected; the kernel adjustment is its negative)
 * @param deltaFrequency    the change in the clock's rate, seconds per second (positive: faster)
 * @param offset            the total change in the clock's corrected time, seconds (step + slew)
 */
public record Correction(double step, double slew, double frequencyPpm, double deltaFrequency, double offset) {

    /** Applies this correction through {@code clock}. */
    public void applyTo(ClockControl clock) {
        clock.setFrequencyPpm(-frequencyPpm);
        if (slew != 0.0) {
            clock.slewOffset(slew);
        }
        if (step != 0.0) {
            clock.stepOffset(step);
        }
    }
}
