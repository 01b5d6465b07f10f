package dev.ntsfarm.agent.kernel;

import dev.ntsfarm.core.clock.ClockControl;
import java.time.Instant;

/**
 * The machine's clock through {@link Timex}: really adjusts it, which needs CAP_SYS_TIME. Offsets
 * are slewed by frequency (the core's {@link dev.ntsfarm.core.clock.FrequencySlew}), so this clock
 * only reads, sets the frequency and steps.
 */
public final class KernelClock implements ClockControl {

    private static final KernelClock SYSTEM = new KernelClock();

    private KernelClock() {}

    public static KernelClock system() {
        return SYSTEM;
    }

    /** The system's real-time clock in Unix nanoseconds. */
    public static long realtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long readTime() {
        return realtimeNanos();
    }

    /**
     * Whether this process may adjust the clock: writes back the frequency just read (a change of
     * nothing), which the kernel refuses without CAP_SYS_TIME.
     */
    @Override
    public void checkAdjustable() throws ClockException {
        try {
            Timex.setFrequency(Timex.read().freq());
        } catch (Timex.TimexException e) {
            throw new ClockException(
                    e.errno() == Timex.EPERM
                            ? "Not allowed to adjust the system clock (clock_adjtime: EPERM, no CAP_SYS_TIME)"
                            : e.getMessage(),
                    e);
        }
    }

    @Override
    public double frequencyPpm() {
        try {
            return Timex.read()
                    .frequencyPpm(); // as the kernel applies it: positive speeds the clock up
        } catch (Timex.TimexException e) {
            return 0.0; // reading needs no privilege; a kernel without it has no frequency to
            // report
        }
    }

    @Override
    public void setFrequencyPpm(double ppm) throws ClockException {
        try {
            Timex.setFrequency(Math.round(ppm * Timex.FREQ_SCALE));
        } catch (Timex.TimexException e) {
            throw new ClockException(e.getMessage(), e);
        }
    }

    @Override
    public void stepOffset(double seconds) throws ClockException {
        try {
            Timex.stepNanos(Math.round(seconds * 1e9));
        } catch (Timex.TimexException e) {
            throw new ClockException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "KernelClock[CLOCK_REALTIME]";
    }
}
