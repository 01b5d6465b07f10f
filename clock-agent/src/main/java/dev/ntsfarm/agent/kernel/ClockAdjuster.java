package dev.ntsfarm.agent.kernel;

/**
 * What disciplining a clock takes: read it, set its frequency, slew or step its phase. The kernel's
 * clock ({@link KernelClock}), a read-only one for {@code -x} ({@link ReadOnlyClock}), or a simulated one.
 * Offsets are what the clock is wrong by: positive when it is behind and must move forward.
 */
public interface ClockAdjuster {

    /** Now, Unix nanoseconds. */
    long nowUnixNanos();

    /** The frequency correction applied now, ppm (positive: the clock is sped up). */
    double frequencyPpm();

    /** Sets the frequency correction, ppm. */
    void setFrequencyPpm(double ppm);

    /** Starts a gradual correction of {@code seconds}. */
    void slewOffset(double seconds);

    /** Moves the clock by {@code seconds} at once. */
    void stepOffset(double seconds);
}
