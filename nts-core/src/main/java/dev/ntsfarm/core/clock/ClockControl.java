package dev.ntsfarm.core.clock;

/**
 * What the discipline needs of a clock: read it, set its frequency, step it. Offsets are slewed by
 * frequency ({@link FrequencySlew}), as chronyd does, not by the kernel's adjtime. The agent
 * implements it over the kernel (adjtimex / clock_adjtime) and, for {@code -x}, in software; {@link
 * dev.ntsfarm.core.clock.sim.SimulatedClock} implements it for tests. Frequencies here are the
 * kernel's: positive makes the clock run faster (adjtimex ADJ_FREQUENCY). Reading never fails; a
 * change the system refuses throws {@link ClockException}, which the caller reports and survives.
 */
public interface ClockControl {

    /** The clock's time now, nanoseconds since the Unix epoch (CLOCK_REALTIME). */
    long readTime();

    /**
     * A kernel timestamp ({@code CLOCK_REALTIME} nanoseconds, as SO_TIMESTAMPING gives it) on this
     * clock's scale: the same for the kernel's clock; a clock kept in software adds its own
     * correction.
     */
    default long fromKernel(long realtimeNanos) {
        return realtimeNanos;
    }

    /**
     * Checks that this process may change the clock, changing nothing (a clock kept in software
     * always may); throws with a message for the operator otherwise.
     */
    default void checkAdjustable() throws ClockException {}

    /** The frequency adjustment in force, ppm (positive: faster). */
    double frequencyPpm();

    /** Sets the frequency adjustment, ppm (positive: faster). */
    void setFrequencyPpm(double ppm) throws ClockException;

    /** Steps the clock by {@code seconds} at once (positive: forward), like ADJ_SETOFFSET. */
    void stepOffset(double seconds) throws ClockException;

    /** A change of the clock the system refused (without CAP_SYS_TIME: EPERM). */
    final class ClockException extends Exception {
        public ClockException(String message) {
            super(message);
        }

        public ClockException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
