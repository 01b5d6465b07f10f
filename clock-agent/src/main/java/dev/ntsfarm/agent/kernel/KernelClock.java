package dev.ntsfarm.agent.kernel;

import dev.ntsfarm.agent.source.SourceContext;
import dev.ntsfarm.core.clock.ClockControl;

/** The machine's clock through {@link Timex}: really adjusts it (needs CAP_SYS_TIME). */
public final class KernelClock implements ClockControl {

    /** The kernel's bound on an adjtime()-style slew (MAXPHASE), seconds. */
    public static final double MAX_SLEW = 0.5;

    private static final KernelClock SYSTEM = new KernelClock();

    private KernelClock() {
    }

    public static KernelClock system() {
        return SYSTEM;
    }

    @Override
    public long readTime() {
        return SourceContext.systemUnixNanos();
    }

    @Override
    public double frequencyPpm() {
        try {
            // as the kernel applies it: positive speeds the clock up
            return Timex.read().frequencyPpm();
        } catch (Timex.TimexException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void setFrequencyPpm(double ppm) {
        try {
            Timex.setFrequency(Math.round(ppm * Timex.FREQ_SCALE));
        } catch (Timex.TimexException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Adds to what the kernel still has to slew (ADJ_OFFSET_SINGLESHOT replaces it, so read it first). */
    @Override
    public void slewOffset(double seconds) {
        try {
            double total = Timex.remainingSlewMicros() / 1e6 + seconds;
            Timex.slewMicros(Math.round(Math.max(-MAX_SLEW, Math.min(MAX_SLEW, total)) * 1e6));
        } catch (Timex.TimexException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public double pendingSlew() {
        try {
            return Timex.remainingSlewMicros() / 1e6;
        } catch (Timex.TimexException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void stepOffset(double seconds) {
        try {
            Timex.stepNanos(Math.round(seconds * 1e9));
        } catch (Timex.TimexException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "KernelClock[CLOCK_REALTIME]";
    }
}
