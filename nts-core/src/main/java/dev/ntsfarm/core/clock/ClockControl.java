package dev.ntsfarm.core.clock;

/**
 * What the discipline needs of a clock. The agent implements it over the kernel (adjtimex /
 * clock_adjtime); {@link dev.ntsfarm.core.clock.sim.SimulatedClock} implements it for tests.
 * Frequencies here are the kernel's: positive makes the clock run faster (adjtimex ADJ_FREQUENCY).
 */
public interface ClockControl {

    /** The clock's time now, nanoseconds since the Unix epoch (CLOCK_REALTIME). */
    long readTime();

    /** The frequency adjustment in force, ppm (positive: faster). */
    double frequencyPpm();

    /** Sets the frequency adjustment, ppm (positive: faster). */
    void setFrequencyPpm(double ppm);

    /**
     * Adds {@code seconds} to the offset still to be slewed (positive: advance the clock); the clock
     * absorbs it gradually, like adjtime or adjtimex ADJ_OFFSET_SINGLESHOT.
     */
    void slewOffset(double seconds);

    /** The offset not yet slewed, seconds (positive: the clock will still advance by this much). */
    double pendingSlew();

    /** Steps the clock by {@code seconds} at once (positive: forward), like ADJ_SETOFFSET. */
    void stepOffset(double seconds);
}
