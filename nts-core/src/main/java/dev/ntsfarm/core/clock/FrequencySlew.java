package dev.ntsfarm.core.clock;

/**
 * Offsets corrected by running the clock a little fast or slow, as chronyd does on Linux
 * (sys_generic.c): the offset still to correct sits in a register; it is slewed at a frequency
 * offset chosen so that correcting it takes {@code correction rate / |offset|} seconds (at least
 * {@link #MIN_SLEW_DURATION}), so a small, probably noisy offset is corrected slowly and a large
 * one quickly. The clock's frequency is the discipline's base frequency plus that slew. The caller
 * re-evaluates at the time {@link #update} returns (a timer), and whenever it accrues an offset or
 * changes the base frequency. Times are the clock as read (raw), nanoseconds.
 */
public final class FrequencySlew {
    /** Offsets below this are not worth slewing, seconds. */
    static final double MIN_OFFSET_CORRECTION = 1.0e-9;

    /** Limits of one slew's length, seconds (chrony). */
    public static final double MIN_SLEW_DURATION = 1.0;

    public static final double MAX_SLEW_DURATION = 1.0e4;

    /** The kernel accepts frequencies within +/- 500 ppm (adjtimex ADJ_FREQUENCY). */
    public static final double MAX_FREQUENCY_PPM = 500.0;

    private final ClockControl clock;
    private double baseFrequencyPpm;
    private double register;
    private double slewFrequency;
    private long slewStart;
    private double correctionRate;

    public FrequencySlew(ClockControl clock) {
        this.clock = clock;
        this.baseFrequencyPpm = clock.frequencyPpm();
        this.slewStart = clock.readTime();
    }

    /** The frequency adjustment the discipline asked for, kernel sense (ppm, positive: faster). */
    public double baseFrequencyPpm() {
        return baseFrequencyPpm;
    }

    /**
     * The offset still to correct at raw time {@code now}, seconds (positive: the clock will
     * advance).
     */
    public double remaining(long now) {
        return register - slewFrequency * SourceStats.seconds(now - slewStart);
    }

    /** The same, now. */
    public double remaining() {
        return remaining(clock.readTime());
    }

    /**
     * Adds {@code advance} seconds to correct (positive: the clock must advance), at the suggested
     * {@code correctionRate} (seconds squared: the time to correct an offset times that offset).
     *
     * @return seconds until {@link #update} should be called
     */
    public double accrue(double advance, double correctionRate) throws ClockControl.ClockException {
        register += advance;
        this.correctionRate = correctionRate;
        return update();
    }

    /** Sets the base frequency (kernel sense); returns seconds until {@link #update}. */
    public double setBaseFrequency(double ppm) throws ClockControl.ClockException {
        baseFrequencyPpm = ppm;
        return update();
    }

    /**
     * Takes the whole remaining offset out of the register (it is about to be stepped) and returns
     * it.
     */
    public double takeRemaining() throws ClockControl.ClockException {
        long now = clock.readTime();
        double left = remaining(now);
        register = 0.0;
        slewStart = now;
        update();
        return left;
    }

    /**
     * Ends the running slew and starts the next: the register loses what was slewed; the new slew
     * frequency corrects the rest in its duration, clamped to what the kernel accepts.
     *
     * @return seconds until the next call
     */
    public double update() throws ClockControl.ClockException {
        long now = clock.readTime();
        register -= slewFrequency * SourceStats.seconds(now - slewStart);
        slewStart = now;
        double duration;
        if (Math.abs(register) < MIN_OFFSET_CORRECTION) {
            duration = MAX_SLEW_DURATION;
        } else {
            duration = Math.max(MIN_SLEW_DURATION, correctionRate / Math.abs(register));
        }
        double corr = register / duration;
        double total =
                Math.max(
                        -MAX_FREQUENCY_PPM,
                        Math.min(MAX_FREQUENCY_PPM, baseFrequencyPpm + corr * 1e6));
        try {
            clock.setFrequencyPpm(total);
        } catch (ClockControl.ClockException e) {
            slewFrequency = 0.0;
            throw e;
        }
        slewFrequency = (total - baseFrequencyPpm) * 1e-6;
        if (Math.abs(register) < MIN_OFFSET_CORRECTION || register * slewFrequency <= 0.0) {
            return MAX_SLEW_DURATION;
        }
        return Math.max(MIN_SLEW_DURATION, Math.min(MAX_SLEW_DURATION, register / slewFrequency));
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "FrequencySlew[base %+.3f ppm, register %+.9f s, slew %+.3f ppm]",
                baseFrequencyPpm,
                register,
                slewFrequency * 1e6);
    }
}
