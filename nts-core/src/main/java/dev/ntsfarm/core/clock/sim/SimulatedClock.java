package dev.ntsfarm.core.clock.sim;

import dev.ntsfarm.core.clock.ClockControl;

/**
 * A clock for tests: it runs against a true-time base with a fixed frequency error and takes the
 * kernel-style frequency adjustment and steps. Time moves only when {@link #advance} is called, so
 * hours pass in microseconds.
 */
public final class SimulatedClock implements ClockControl {
    private long trueTime;
    private boolean refuseChanges;
    private double offset;
    private final double frequencyErrorPpm;
    private double frequencyPpm;

    /**
     * @param trueTime true time at the start, nanoseconds since the Unix epoch
     * @param initialOffset local minus true time at the start, seconds
     * @param frequencyErrorPpm the oscillator's error, ppm (positive: the clock gains)
     */
    public SimulatedClock(long trueTime, double initialOffset, double frequencyErrorPpm) {
        this.trueTime = trueTime;
        this.offset = initialOffset;
        this.frequencyErrorPpm = frequencyErrorPpm;
    }

    /** True time now, nanoseconds since the Unix epoch. */
    public long trueTime() {
        return trueTime;
    }

    /** Local minus true time, seconds: the error the discipline is meant to remove. */
    public double offset() {
        return offset;
    }

    /** The oscillator's error plus the adjustment in force, ppm: the rate the clock gains now. */
    public double netFrequencyErrorPpm() {
        return frequencyErrorPpm + frequencyPpm;
    }

    /** Lets {@code nanos} of true time pass. */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException(
                    "time runs forward (expected: nanos >= 0): " + nanos);
        }
        double dt = nanos * 1.0e-9;
        trueTime += nanos;
        offset += dt * netFrequencyErrorPpm() * 1.0e-6;
    }

    @Override
    public long readTime() {
        return trueTime + Math.round(offset * 1.0e9);
    }

    @Override
    public double frequencyPpm() {
        return frequencyPpm;
    }

    /** From now on every change is refused, as a kernel refuses a process without CAP_SYS_TIME. */
    public void refuseChanges(boolean refuse) {
        this.refuseChanges = refuse;
    }

    private void check() throws ClockException {
        if (refuseChanges) {
            throw new ClockException(
                    "clock_adjtime failed, errno 1 (EPERM: not allowed to adjust the clock)");
        }
    }

    @Override
    public void setFrequencyPpm(double ppm) throws ClockException {
        check();
        frequencyPpm = ppm;
    }

    @Override
    public void stepOffset(double seconds) throws ClockException {
        check();
        offset += seconds;
    }
}
