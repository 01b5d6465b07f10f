package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.config.MakeStep;
import dev.ntsfarm.core.config.MaxChange;
import dev.ntsfarm.core.ntp.LeapIndicator;
import java.util.Locale;

/**
 * The clock discipline with chrony's rules (reference.c): each update from selection slews (or,
 * under {@code makestep}, steps) the whole offset and moves the frequency toward the measured one
 * with a gain set by how well each is known; {@code maxchange} ignores an update whose correction
 * exceeds its limit, and after IGNORE of them gives up. In {@code -Q}/{@code -q} mode the first
 * update is the result instead. Not thread-safe.
 */
public final class Discipline {
    /**
     * chrony's {@code maxupdateskew} default: frequency estimates less certain than 1000 ppm are
     * ignored.
     */
    public static final double DEFAULT_MAX_UPDATE_SKEW = 1000.0e-6;

    /** chrony's initial skew with no drift file: nothing is known of the frequency. */
    public static final double INITIAL_SKEW = 1.0;

    /** Bounds of the frequency set, ppm (the kernel's 500 ppm tick-free range). */
    public static final double MAX_FREQUENCY_PPM = 500.0;

    /**
     * chrony's {@code corrtimeratio} default: an offset of one deviation takes 3 update intervals
     * to slew.
     */
    public static final double CORRECTION_TIME_RATIO = 3.0;

    /** chrony rewrites the drift file after this many seconds of updates. */
    public static final double DRIFTFILE_INTERVAL = 3600.0;

    /** What the discipline is for. */
    public enum Mode {
        /** The daemon: correct the clock at every update. */
        NORMAL,
        /** {@code -Q}: report the first update's offset, correct nothing. */
        PRINT_ONCE,
        /** {@code -q}: step the clock by the first update's offset. */
        UPDATE_ONCE
    }

    private final Mode mode;
    private final MakeStep makestep;
    private final MaxChange maxchange;
    private final double maxUpdateSkew;
    private int makestepLeft;
    private int maxchangeDelay;
    private int maxchangeIgnore;

    private double frequencyPpm;
    private double skew;
    private double residualFrequency;
    private double offsetSd;
    private double frequencySd;
    private int updates;
    private long lastUpdate;
    private double lastUpdateInterval;
    private double avg2Offset;
    private boolean avg2Moving;
    private double driftAge;
    private boolean synchronised;
    private Tracking tracking;

    /**
     * @param mode daemon or one-shot
     * @param makestep {@code makestep}, or null for none (always slew)
     * @param maxchange {@code maxchange}, or null for none (no limit)
     * @param maxUpdateSkew {@code maxupdateskew}, seconds per second
     * @param driftfile the drift file's content (or an {@link Driftfile.Invalid} without one)
     */
    public Discipline(
            Mode mode,
            MakeStep makestep,
            MaxChange maxchange,
            double maxUpdateSkew,
            Driftfile.Content driftfile) {
        this.mode = mode;
        this.makestep = makestep;
        this.maxchange = maxchange;
        this.maxUpdateSkew = maxUpdateSkew;
        this.makestepLeft = makestep == null ? 0 : makestep.limit();
        this.maxchangeDelay = maxchange == null ? -1 : maxchange.start();
        this.maxchangeIgnore = maxchange == null ? 0 : maxchange.ignore();
        switch (driftfile) {
            case Driftfile.Valid v -> {
                frequencyPpm = v.frequencyPpm();
                skew = Math.max(v.skewPpm() * 1.0e-6, SourceStats.MIN_SKEW);
            }
            case Driftfile.Invalid i -> {
                frequencyPpm = 0.0;
                skew = INITIAL_SKEW;
            }
        }
        this.tracking = Tracking.unsynchronised(frequencyPpm, skewPpm());
    }

    /** A daemon's discipline with no makestep, no maxchange and no drift file. */
    public static Discipline daemon() {
        return new Discipline(
                Mode.NORMAL, null, null, DEFAULT_MAX_UPDATE_SKEW, new Driftfile.Invalid("none"));
    }

    public Mode mode() {
        return mode;
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

    public boolean synchronised() {
        return synchronised;
    }

    /** The drift file's text for the current state. */
    public String driftfile() {
        return Driftfile.format(frequencyPpm, skewPpm());
    }

    /** The limit {@code maxchange} sets on any correction, seconds; +infinity without it. */
    public double maxChange() {
        return maxchange == null ? Double.POSITIVE_INFINITY : maxchange.offset();
    }

    /** What one update decided. */
    public sealed interface Decision {
        /**
         * Correct the clock; {@code driftfile} is the drift file's new text when it is due, else
         * null.
         */
        record Correct(Correction correction, String driftfile) implements Decision {}

        /** {@code maxchange} refused the update: chronyd's warning, and nothing changes. */
        record Ignored(String message) implements Decision {}

        /** {@code maxchange} refused once too often: chronyd exits. */
        record GiveUp(String message) implements Decision {}

        /**
         * The one-shot result: the clock is wrong by {@code wrongBy} seconds (positive: behind, as
         * chronyd prints it), to be stepped with {@code -q}.
         */
        record OneShot(double wrongBy, boolean step) implements Decision {}
    }

    /**
     * The selected source as the tracking report names it.
     *
     * @param refId its reference id
     * @param name its name or address
     * @param stratum its stratum (the clock's is one more)
     */
    public record Reference(int refId, String name, int stratum) {}

    /**
     * One clock update.
     *
     * @param now local (corrected) time of the update, nanoseconds since the Unix epoch
     * @param estimate the combined estimate (theta: positive, the clock is behind)
     * @param pendingSlew the offset the clock has still to slew, seconds
     * @param reference the selected source
     * @param leap the leap indicator voted for
     */
    public Decision update(
            long now,
            SourceStats.TrackingData estimate,
            double pendingSlew,
            Reference reference,
            LeapIndicator leap) {
        double offset =
                estimate.offset()
                        + estimate.slope() * SourceStats.seconds(now - estimate.refTime());
        if (mode != Mode.NORMAL) {
            return new Decision.OneShot(offset + pendingSlew, mode == Mode.UPDATE_ONCE);
        }
        double interval = updates == 0 ? 0.0 : SourceStats.seconds(now - lastUpdate);

        // chrony's get_clock_estimates: weigh the expected (unchanged) frequency against the
        // measured one
        double measured = -estimate.slope();
        double measuredSkew = estimate.skew();
        double gain =
                Math.abs(measuredSkew) > maxUpdateSkew
                        ? 0.0
                        : 3.0 * skew * skew / (3.0 * skew * skew + measuredSkew * measuredSkew);
        gain = Math.max(0.0, Math.min(1.0, gain));
        double estimated = gain * measured;
        double residual = measured - estimated;
        double extraSkew =
                Math.sqrt(estimated * estimated * (1.0 - gain) + residual * residual * gain);
        double newSkew = skew + gain * (measuredSkew - skew) + extraSkew;

        String refused = offsetRefused(offset + pendingSlew);
        if (refused != null) {
            if (maxchangeIgnore == 0) {
                return new Decision.GiveUp(refused);
            }
            if (maxchangeIgnore > 0) {
                maxchangeIgnore--;
            }
            return new Decision.Ignored(refused);
        }

        skew = newSkew;
        residualFrequency = residual;
        offsetSd = estimate.offsetSd();
        frequencySd = estimate.slopeSd();
        double oldFrequency = frequencyPpm;
        frequencyPpm =
                Math.max(
                        -MAX_FREQUENCY_PPM,
                        Math.min(MAX_FREQUENCY_PPM, frequencyPpm + estimated * 1.0e6));
        double deltaFrequency = -(frequencyPpm - oldFrequency) * 1.0e-6;

        double step = 0.0;
        double slew = offset;
        if (stepsNow(offset + pendingSlew)) {
            // cancel what is still being slewed and step the whole remaining error at once
            step = offset + pendingSlew;
            slew = -pendingSlew;
        }

        if (avg2Moving) {
            avg2Offset += 0.1 * (offset * offset - avg2Offset);
        } else {
            if (avg2Offset > 0.0 && avg2Offset < offset * offset) {
                avg2Moving = true;
            }
            avg2Offset = offset * offset;
        }
        updates++;
        lastUpdate = now;
        lastUpdateInterval = interval;
        synchronised = leap != LeapIndicator.UNSYNCHRONIZED;
        tracking =
                new Tracking(
                        reference.refId(),
                        reference.name(),
                        reference.stratum() + 1,
                        now,
                        pendingSlew + slew,
                        -offset,
                        Math.sqrt(avg2Offset),
                        frequencyPpm,
                        residualFrequency * 1.0e6,
                        skew * 1.0e6,
                        estimate.rootDelay(),
                        estimate.rootDispersion(),
                        interval,
                        leap);
        driftAge += interval;
        String drift = null;
        if (driftAge >= DRIFTFILE_INTERVAL) {
            driftAge = 0;
            drift = driftfile();
        }
        // chrony's get_correction_rate: an offset of one deviation is slewed in
        // CORRECTION_TIME_RATIO intervals
        double correctionRate = CORRECTION_TIME_RATIO * 0.5 * offsetSd * interval;
        return new Decision.Correct(
                new Correction(step, slew, frequencyPpm, deltaFrequency, offset, correctionRate),
                drift);
    }

    /**
     * chrony's is_offset_ok: null when the correction is within {@code maxchange}, else the
     * warning.
     */
    private String offsetRefused(double correction) {
        if (maxchangeDelay < 0) {
            return null;
        }
        if (maxchangeDelay > 0) {
            maxchangeDelay--;
            return null;
        }
        if (Math.abs(correction) > maxchange.offset()) {
            return String.format(
                    Locale.ROOT,
                    "Adjustment of %.3f seconds exceeds the allowed maximum of %.3f seconds (%s)",
                    correction,
                    maxchange.offset(),
                    maxchangeIgnore == 0 ? "exiting" : "ignored");
        }
        return null;
    }

    /** chrony's is_step_limit_reached: counts down the updates that may step. */
    private boolean stepsNow(double correction) {
        if (makestep == null || makestepLeft == 0) {
            return false;
        }
        if (makestepLeft > 0) {
            makestepLeft--;
        }
        return Math.abs(correction) > makestep.threshold();
    }

    /** The clock is no longer synchronised (no source selectable). */
    public void unsynchronised() {
        synchronised = false;
        tracking = Tracking.unsynchronised(frequencyPpm, skewPpm());
    }

    /**
     * The tracking report at {@code now}: the pending correction read from the clock, and the root
     * dispersion grown since the last update by the skew, the residual frequency and the clock's
     * error.
     */
    public Tracking trackingAt(long now, double pendingSlew) {
        Tracking t = tracking;
        if (!synchronised) {
            return new Tracking(
                    t.refId(),
                    t.refName(),
                    t.stratum(),
                    t.refTime(),
                    pendingSlew,
                    t.lastOffset(),
                    t.rmsOffset(),
                    frequencyPpm,
                    t.residualFreqPpm(),
                    skewPpm(),
                    t.rootDelay(),
                    t.rootDispersion(),
                    t.updateInterval(),
                    t.leap());
        }
        double elapsed = Math.abs(SourceStats.seconds(now - t.refTime()));
        double dispersion =
                t.rootDispersion()
                        + elapsed
                                * (skew
                                        + Math.abs(residualFrequency)
                                        + SourceStats.MAX_CLOCK_ERROR);
        return new Tracking(
                t.refId(),
                t.refName(),
                t.stratum(),
                t.refTime(),
                pendingSlew,
                t.lastOffset(),
                t.rmsOffset(),
                t.frequencyPpm(),
                t.residualFreqPpm(),
                t.skewPpm(),
                t.rootDelay(),
                dispersion,
                t.updateInterval(),
                t.leap());
    }

    /** The tracking report as of the last update (root dispersion not grown since). */
    public Tracking trackingAtUpdate() {
        return tracking;
    }

    /**
     * The standard deviations of the last update's offset and frequency (for waitsync and metrics).
     */
    public double offsetSd() {
        return offsetSd;
    }

    public double frequencySd() {
        return frequencySd;
    }

    public double lastUpdateInterval() {
        return lastUpdateInterval;
    }
}
