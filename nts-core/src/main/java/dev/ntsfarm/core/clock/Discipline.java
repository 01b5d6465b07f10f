package dev.ntsfarm.core.clock;

/**
 * The clock discipline, in chrony's manner (reference.c): each update takes the combined estimate,
 * slews (or under {@link Makestep}, steps) the whole offset, and moves the frequency toward the
 * measured one with a gain set by how well each is known (their skews). Not thread-safe.
 */
public final class Discipline {
    /** chrony's maxupdateskew default: frequency estimates less certain than 1000 ppm are ignored. */
    public static final double MAX_UPDATE_SKEW = 1000.0e-6;
    /** chrony's initial skew with no drift file: nothing is known of the frequency. */
    public static final double INITIAL_SKEW = 1.0;
    /** Smoothing of the squared offsets behind the RMS offset. */
    private static final double RMS_GAIN = 0.1;
    /** Bounds of the frequency chronyd will set, ppm (its maxdrift default). */
    public static final double MAX_FREQUENCY_PPM = 500.0;

    private final Makestep makestep;
    private double frequencyPpm;
    private double skew;
    private double residualFrequency;
    private int updates;
    private double avg2Offset;
    private long lastUpdate;
    private Tracking tracking;

    /**
     * @param makestep     when to step instead of slewing
     * @param frequencyPpm the starting frequency in chronyc's sense (from the drift file, or 0)
     * @param skewPpm      its skew (from the drift file), or {@code 1e6 * INITIAL_SKEW} if unknown
     */
    public Discipline(Makestep makestep, double frequencyPpm, double skewPpm) {
        this.makestep = makestep;
        this.frequencyPpm = frequencyPpm;
        this.skew = Math.max(skewPpm * 1.0e-6, ClockFilter.MIN_SKEW);
        this.tracking = Tracking.unsynchronised(frequencyPpm, skewPpm);
    }

    /** A discipline with no drift file. */
    public static Discipline withoutDriftfile(Makestep makestep) {
        return new Discipline(makestep, 0.0, INITIAL_SKEW * 1.0e6);
    }

    /** A discipline starting from a drift file's content (or from nothing if it was invalid). */
    public static Discipline from(Makestep makestep, Driftfile.Content driftfile) {
        return switch (driftfile) {
            case Driftfile.Valid v -> new Discipline(makestep, v.frequencyPpm(), v.skewPpm());
            case Driftfile.Invalid i -> withoutDriftfile(makestep);
        };
    }

    /** The frequency in force, chronyc's sense (ppm, positive: the clock is fast uncorrected). */
    public double frequencyPpm() {
        return frequencyPpm;
    }

    /** The frequency's skew, ppm: with {@link #frequencyPpm()}, what the drift file keeps. */
    public double skewPpm() {
        return skew * 1.0e6;
    }

    /** Clock updates made so far. */
    public int updates() {
        return updates;
    }

    /** The tracking state after the last update. */
    public Tracking tracking() {
        return tracking;
    }

    /** The drift file's text for the current state. */
    public String driftfile() {
        return Driftfile.format(frequencyPpm, skewPpm());
    }

    /**
     * One clock update.
     *
     * @param now         local (corrected) time of the update, nanoseconds since the Unix epoch
     * @param combined    the selection's combined estimate (theta: positive, the clock is behind)
     * @param pendingSlew the offset the clock has still to slew, seconds
     * @param reference   the selected source, for the tracking report
     * @return the correction to apply to the clock and to every source's filter
     */
    public Correction update(long now, Selection.Combined combined, double pendingSlew, Reference reference) {
        double offset = combined.offset() + combined.slope() * SourceEstimate.seconds(now - combined.refTime());
        double interval = updates == 0 ? 0.0 : SourceEstimate.seconds(now - lastUpdate);

        // chrony's get_clock_estimates: weigh the expected (unchanged) frequency against the measured one.
        double measured = -combined.slope();
        double measuredSkew = combined.skew();
        double gain = measuredSkew > MAX_UPDATE_SKEW ? 0.0
                : 3.0 * skew * skew / (3.0 * skew * skew + measuredSkew * measuredSkew);
        gain = Math.max(0.0, Math.min(1.0, gain));
        double estimated = gain * measured;
        residualFrequency = measured - estimated;
        double extraSkew = Math.sqrt(estimated * estimated * (1.0 - gain)
                + residualFrequency * residualFrequency * gain);
        skew = skew + gain * (measuredSkew - skew) + extraSkew;

        double oldFrequency = frequencyPpm;
        frequencyPpm = Math.max(-MAX_FREQUENCY_PPM, Math.min(MAX_FREQUENCY_PPM, frequencyPpm + estimated * 1.0e6));
        double deltaFrequency = -(frequencyPpm - oldFrequency) * 1.0e-6;

        double step = 0.0;
        double slew = offset;
        if (makestep.steps(updates, offset + pendingSlew)) {
            // Cancel what is still being slewed and step the whole remaining error at once.
            step = offset + pendingSlew;
            slew = -pendingSlew;
        }

        avg2Offset = updates == 0 ? offset * offset : avg2Offset + RMS_GAIN * (offset * offset - avg2Offset);
        updates++;
        lastUpdate = now;
        tracking = new Tracking(reference.refId(), reference.name(), reference.stratum() + 1, now,
                pendingSlew + slew, -offset, Math.sqrt(avg2Offset), frequencyPpm,
                residualFrequency * 1.0e6, skew * 1.0e6, reference.rootDelay(), reference.rootDispersion(),
                interval, reference.leap());
        return new Correction(step, slew, frequencyPpm, deltaFrequency, offset);
    }

    /**
     * The selected source as the tracking report names it.
     *
     * @param refId          its reference id
     * @param name           its name or address
     * @param stratum        its stratum (the clock's is one more)
     * @param rootDelay      root delay through it, seconds
     * @param rootDispersion root dispersion through it, seconds
     * @param leap           the leap status to pass on
     */
    public record Reference(int refId, String name, int stratum, double rootDelay, double rootDispersion,
                            LeapStatus leap) {
    }

    /** The tracking report at {@code now}, with the pending correction read from the clock. */
    public Tracking trackingNow(double pendingSlew) {
        Tracking t = tracking;
        return new Tracking(t.refId(), t.refName(), t.stratum(), t.refTime(), pendingSlew, t.lastOffset(),
                t.rmsOffset(), t.frequencyPpm(), t.residualFreqPpm(), t.skewPpm(), t.rootDelay(),
                t.rootDispersion(), t.updateInterval(), t.leap());
    }
}
