package dev.ntsfarm.core.clock.sim;

import dev.ntsfarm.core.clock.ClockControl;

/**
 * A clock for tests: it runs against a true-time base with a fixed frequency error, takes the
 * kernel-style frequency adjustment, and absorbs a pending slew at most {@link #MAX_SLEW_PPM} like
 * adjtime. Time moves only when {@link #advance} is called, so hours pass in microseconds.
 */
public final class SimulatedClock implements ClockControl {
    /** adjtime's slew rate: 500 ppm. */
    public static final double MAX_SLEW_PPM = 500.0;

    private long trueTime;
    private double offset;
    private final double frequencyErrorPpm;
    private double frequencyPpm;
    private double pending;

    /**
     * @param trueTime          true time at the start, nanoseconds since the Unix epoch
     * @param initialOffset     local minus true time at the start, seconds
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
            throw new IllegalArgumentException("time runs forward (expected: nanos >= 0): " + nanos);
        }
        double dt = nanos * 1.0e-9;
        trueTime += nanos;
        offset += dt * netFrequencyErrorPpm() * 1.0e-6;
        double slewable = dt * MAX_SLEW_PPM * 1.0e-6;
        double slewed = Math.copySign(Math.min(Math.abs(pending), slewable), pending);
        offset += slewed;
        pending -= slewed;
    }

    @Override
    public long readTime() {
        return trueTime + Math.round(offset * 1.0e9);
    }

    @Override
    public double frequencyPpm() {
        return frequencyPpm;
    }

    @Override
    public void setFrequencyPpm(double ppm) {
        frequencyPpm = ppm;
    }

    @Override
    public void slewOffset(double seconds) {
        pending += seconds;
    }

    @Override
    public double pendingSlew() {
        return pending;
    }

    @Override
    public void stepOffset(double seconds) {
        offset += seconds;
    }
}
