package dev.ntsfarm.agent.kernel;

import dev.ntsfarm.core.clock.ClockControl;
import java.util.function.LongSupplier;

/**
 * {@code -x}: never changes the machine's clock. Like chronyd's null driver, corrections go into a
 * clock kept in software on top of the real one (steps at once, frequency as a rate), so the
 * discipline sees its corrections take effect and converges instead of correcting the same offset
 * again and again. Every timestamp the agent takes comes from {@link #readTime()}, and kernel
 * timestamps are brought onto it by {@link #fromKernel}.
 */
public final class ReadOnlyClock implements ClockControl {

    private final LongSupplier real;
    private long anchorReal;
    private double anchorOffset; // seconds added to the real clock at anchorReal
    private double frequencyPpm;
    private double lastStep;

    public ReadOnlyClock() {
        this(KernelClock::realtimeNanos);
    }

    /** Over another clock ({@code real}), for tests. */
    public ReadOnlyClock(LongSupplier real) {
        this.real = real;
        this.anchorReal = real.getAsLong();
    }

    private double offsetAt(long realNanos) {
        return anchorOffset + (realNanos - anchorReal) / 1e9 * frequencyPpm * 1e-6;
    }

    private void reanchor() {
        long now = real.getAsLong();
        anchorOffset = offsetAt(now);
        anchorReal = now;
    }

    @Override
    public synchronized long readTime() {
        long now = real.getAsLong();
        return now + Math.round(offsetAt(now) * 1e9);
    }

    @Override
    public synchronized long fromKernel(long realtimeNanos) {
        return realtimeNanos + Math.round(offsetAt(realtimeNanos) * 1e9);
    }

    @Override
    public synchronized double frequencyPpm() {
        return frequencyPpm;
    }

    @Override
    public synchronized void setFrequencyPpm(double ppm) {
        reanchor();
        frequencyPpm = ppm;
    }

    @Override
    public synchronized void stepOffset(double seconds) {
        reanchor();
        anchorOffset += seconds;
        lastStep = seconds;
    }

    /** The last step asked for (applied in software only). */
    public synchronized double lastStep() {
        return lastStep;
    }

    /** What the software clock adds to the real one now, seconds. */
    public synchronized double offset() {
        return offsetAt(real.getAsLong());
    }

    @Override
    public String toString() {
        return "ReadOnlyClock";
    }
}
