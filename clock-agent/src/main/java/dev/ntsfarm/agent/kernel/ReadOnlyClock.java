package dev.ntsfarm.agent.kernel;

import dev.ntsfarm.agent.source.SourceContext;
import dev.ntsfarm.core.clock.ClockControl;

/**
 * {@code -x}: reads the machine's clock and never changes it. Corrections are remembered, not applied,
 * so reports can show what would have been done.
 */
public final class ReadOnlyClock implements ClockControl {

    private volatile double frequencyPpm;
    private volatile double pendingOffset;

    @Override
    public long readTime() {
        return SourceContext.systemUnixNanos();
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
        pendingOffset = seconds;
    }

    @Override
    public double pendingSlew() {
        return 0;
    }

    @Override
    public void stepOffset(double seconds) {
        pendingOffset = seconds;
    }

    /** The last correction asked for and not applied. */
    public double lastCorrection() {
        return pendingOffset;
    }

    @Override
    public String toString() {
        return "ReadOnlyClock";
    }
}
