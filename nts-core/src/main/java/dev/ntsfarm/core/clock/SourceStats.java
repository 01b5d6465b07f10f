package dev.ntsfarm.core.clock;

import java.util.Arrays;

/**
 * One source's sample statistics, with chrony's rules (sourcestats): the register keeps up to
 * {@link #MAX_SAMPLES} samples; a weighted least-squares line of offset against local time gives
 * offset, frequency (the slope), skew and jitter; the oldest samples are dropped while the
 * residuals' signs show too few runs to be noise (a runs test extended over up to as many older
 * samples again, which are kept for that purpose only). A regression needs {@link
 * #MIN_SAMPLES_FOR_REGRESSION} samples; with fewer the bounds are the worst case and the source is
 * not selectable, except when {@code maxsamples} itself is below three (chronyd's special case for
 * {@code -Q}).
 *
 * <p>Offsets are RFC 5905's theta (source minus local), the slope is d(theta)/dt (positive: the
 * local clock runs slow against the source). Samples are kept on the corrected local timescale:
 * after each clock correction {@link #slew} moves them as if the clock had always run that way. Not
 * thread-safe; one per source.
 */
public final class SourceStats {
    /** chrony's MAX_SAMPLES: the register's largest size. */
    public static final int MAX_SAMPLES = 64;

    /** A line needs three points to have a residual. */
    public static final int MIN_SAMPLES_FOR_REGRESSION = 3;

    /** chrony's default {@code minsamples}: the runs test never trims below this many. */
    public static final int DEFAULT_MIN_SAMPLES = 6;

    /** Older samples kept for the runs test, as a multiple of the samples in use (chrony: 2). */
    static final int RUNS_RATIO = 2;

    /** Worst-case frequency bound when nothing better is known: 2000 ppm (chrony). */
    public static final double WORST_CASE_SKEW = 2000.0e-6;

    /** Worst-case standard deviation when nothing better is known: 4 s (chrony). */
    public static final double WORST_CASE_STD_DEV = 4.0;

    public static final double MIN_STD_DEV = 1.0e-9;
    public static final double MIN_SKEW = 1.0e-12;
    public static final double MAX_SKEW = 1.0;

    /**
     * chrony's {@code maxclockerror} default: the local oscillator's frequency error bound, 1 ppm.
     */
    public static final double MAX_CLOCK_ERROR = 1.0e-6;

    /**
     * Samples needed before the delay tests ({@code maxdelayratio}, {@code maxdelaydevratio})
     * apply.
     */
    public static final int MIN_SAMPLES_FOR_DELAY_TESTS = 6;

    /** chrony's assumed ratio of a sample's error deviation to its excess peer distance. */
    private static final double SD_TO_DIST_RATIO = 0.7;

    /** A two-sided 5 % normal quantile's one-sided cousin: the runs test's lower critical value. */
    private static final double RUNS_Z = 1.645;

    /** Windows shorter than this always pass the runs test. */
    private static final int MIN_POINTS_FOR_RUNS_TEST = 9;

    private final int minSamples;
    private final int maxSamples;
    private final double precision;

    // every kept sample, oldest first: [0, runsSamples) only for the runs test, then the n in use
    private final long[] times = new long[MAX_SAMPLES * RUNS_RATIO];
    private final double[] offsets = new double[MAX_SAMPLES * RUNS_RATIO];
    private final double[] delays = new double[MAX_SAMPLES * RUNS_RATIO];
    private final double[] originalOffsets = new double[MAX_SAMPLES * RUNS_RATIO];
    private final double[] dispersions = new double[MAX_SAMPLES * RUNS_RATIO];
    private final double[] rootDelays = new double[MAX_SAMPLES * RUNS_RATIO];
    private final double[] rootDispersions = new double[MAX_SAMPLES * RUNS_RATIO];
    private int runsSamples;
    private int n;

    private boolean regressionOk;
    private long offsetTime;
    private double estimatedOffset;
    private double estimatedOffsetSd = WORST_CASE_STD_DEV;
    private double slope;
    private double slopeSd = WORST_CASE_SKEW;
    private double skew = WORST_CASE_SKEW;
    private double stdDev = WORST_CASE_STD_DEV;
    private int runs;
    private int bestSample;

    /**
     * @param minSamples {@code minsamples} (-1 or less: {@link #DEFAULT_MIN_SAMPLES})
     * @param maxSamples {@code maxsamples} (-1 or less: {@link #MAX_SAMPLES})
     * @param precision the local clock's precision, seconds (the weights' floor)
     */
    public SourceStats(int minSamples, int maxSamples, double precision) {
        this.maxSamples = maxSamples > 0 ? Math.min(maxSamples, MAX_SAMPLES) : MAX_SAMPLES;
        this.minSamples =
                Math.max(
                        1,
                        Math.min(
                                minSamples > 0 ? minSamples : DEFAULT_MIN_SAMPLES,
                                this.maxSamples));
        this.precision = precision;
    }

    /** Samples in use. */
    public int samples() {
        return n;
    }

    public int maxSamples() {
        return maxSamples;
    }

    /** Whether the last regression had enough samples. */
    public boolean regressionOk() {
        return regressionOk;
    }

    /**
     * The regression's slope d(theta)/dt (positive: the local clock runs slow against the source).
     */
    public double slope() {
        return slope;
    }

    /** The slope's error bound (its standard deviation times Student's t). */
    public double skew() {
        return skew;
    }

    /** The samples' standard deviation around the line, seconds. */
    public double stdDev() {
        return stdDev;
    }

    /** Runs of residuals with the same sign in the samples in use. */
    public int runs() {
        return runs;
    }

    /** Forgets every sample. */
    public void reset() {
        n = 0;
        runsSamples = 0;
        regressionOk = false;
        offsetTime = 0;
        estimatedOffset = 0;
        estimatedOffsetSd = WORST_CASE_STD_DEV;
        slope = 0;
        slopeSd = WORST_CASE_SKEW;
        skew = WORST_CASE_SKEW;
        stdDev = WORST_CASE_STD_DEV;
        runs = 0;
        bestSample = 0;
    }

    /**
     * Adds a sample (its offset relative to the corrected clock) and runs the regression again. A
     * sample not newer than the newest kept one means the history is wrong: it is discarded, as
     * chronyd does, and the sample starts a new one.
     */
    public void accumulate(Sample s) {
        if (n > 0 && (n == MAX_SAMPLES || n == maxSamples)) {
            prune(1);
        }
        int count = runsSamples + n;
        if (n > 0 && times[count - 1] >= s.localTime()) {
            reset();
            count = 0;
        }
        times[count] = s.localTime();
        offsets[count] = s.offset();
        originalOffsets[count] = s.offset();
        delays[count] = s.delay();
        dispersions[count] = s.dispersion();
        rootDelays[count] = s.rootDelay();
        rootDispersions[count] = s.rootDispersion();
        n++;
        regress();
    }

    /**
     * Drops the {@code k} oldest samples in use; they stay for the runs test while there is room.
     */
    private void prune(int k) {
        if (k == 0) {
            return;
        }
        n -= k;
        runsSamples += k;
        int keepRuns = Math.min(runsSamples, n * (RUNS_RATIO - 1));
        int drop = runsSamples - keepRuns;
        if (drop > 0) {
            int count = runsSamples + n;
            shift(times, drop, count);
            shift(offsets, drop, count);
            shift(originalOffsets, drop, count);
            shift(delays, drop, count);
            shift(dispersions, drop, count);
            shift(rootDelays, drop, count);
            shift(rootDispersions, drop, count);
            runsSamples = keepRuns;
        }
    }

    private static void shift(double[] a, int drop, int count) {
        System.arraycopy(a, drop, a, 0, count - drop);
    }

    private static void shift(long[] a, int drop, int count) {
        System.arraycopy(a, drop, a, 0, count - drop);
    }

    private void regress() {
        int count = runsSamples + n;
        long newest = times[count - 1];
        double[] x = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = seconds(times[i] - newest);
        }
        double[] w = weights();
        Fit fit = n >= MIN_SAMPLES_FOR_REGRESSION ? bestFit(x, w) : null;
        if (fit != null) {
            regressionOk = true;
            slope = fit.slope;
            slopeSd = clamp(fit.slopeSd, MIN_SKEW, MAX_SKEW);
            skew = clamp(fit.slopeSd * StudentT.coefficient95(fit.points - 2), MIN_SKEW, MAX_SKEW);
            estimatedOffset = fit.intercept;
            offsetTime = newest;
            estimatedOffsetSd = fit.interceptSd;
            stdDev = Math.max(MIN_STD_DEV, Math.sqrt(fit.variance));
            runs = fit.runs;
            prune(fit.start);
        } else {
            regressionOk = false;
            slopeSd = WORST_CASE_SKEW;
            skew = WORST_CASE_SKEW;
            estimatedOffsetSd = WORST_CASE_STD_DEV;
            stdDev = WORST_CASE_STD_DEV;
            runs = 0;
            estimatedOffset = offsets[count - 1];
            offsetTime = newest;
        }
        findBestSample();
    }

    /**
     * chrony's weights (larger: less reliable): samples whose peer distance exceeds the least one
     * by more than the spread of distances count for less, quadratically.
     */
    private double[] weights() {
        int first = runsSamples;
        double[] distance = new double[n];
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            distance[i] = 0.5 * delays[first + i] + dispersions[first + i];
            min = Math.min(min, distance[i]);
        }
        double[] sorted = Arrays.copyOf(distance, n);
        Arrays.sort(sorted);
        double median = (n % 2 == 1) ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        double sd = clamp((median - min) / SD_TO_DIST_RATIO, precision, Math.max(precision, min));
        double threshold = min + precision;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double f = 1.0 + Math.max(0.0, distance[i] - threshold) / sd;
            w[i] = f * f;
        }
        return w;
    }

    /** Drops the oldest samples in use, one at a time, until the residuals pass the runs test. */
    private Fit bestFit(double[] x, double[] w) {
        for (int start = 0; ; start++) {
            Fit fit = Fit.of(x, offsets, w, runsSamples, start, n);
            int inUse = n - start;
            int residStart = Math.max(runsSamples + n - inUse * RUNS_RATIO, 0);
            int tested = runsSamples + n - residStart;
            int testedRuns = runsOf(x, fit, residStart, runsSamples + n);
            if (testedRuns > criticalRuns(tested)
                    || inUse <= MIN_SAMPLES_FOR_REGRESSION
                    || inUse <= minSamples) {
                fit.runs = runsOf(x, fit, runsSamples + start, runsSamples + n);
                return fit;
            }
        }
    }

    private int runsOf(double[] x, Fit fit, int from, int to) {
        int count = 1;
        double previous = offsets[from] - fit.intercept - fit.slope * x[from];
        for (int i = from + 1; i < to; i++) {
            double r = offsets[i] - fit.intercept - fit.slope * x[i];
            if (!((previous < 0 && r < 0) || (previous > 0 && r > 0))) {
                count++;
            }
            previous = r;
        }
        return count;
    }

    /**
     * The lower 5 % critical number of runs among {@code points} residuals of random sign: with p =
     * 1/2, runs - 1 is binomial(points - 1, 1/2), here in its normal approximation. Fewer points
     * always pass.
     */
    static int criticalRuns(int points) {
        if (points < MIN_POINTS_FOR_RUNS_TEST) {
            return 0;
        }
        double mean = (points + 1) / 2.0;
        double sd = Math.sqrt(points - 1) / 2.0;
        return (int) Math.floor(mean - RUNS_Z * sd);
    }

    private void findBestSample() {
        int first = runsSamples;
        long newest = times[first + n - 1];
        double best = Double.POSITIVE_INFINITY;
        bestSample = 0;
        for (int i = 0; i < n; i++) {
            int j = first + i;
            double d = rootDispersions[j] + seconds(newest - times[j]) * skew + 0.5 * rootDelays[j];
            if (d < best) {
                best = d;
                bestSample = i;
            }
        }
    }

    /**
     * What selection needs at local time {@code now}, or null when this source cannot be selected
     * (no samples, or too few for a regression outside chronyd's small-{@code maxsamples} case).
     *
     * @param maxJitter the {@code maxjitter} taken as the jitter in that special case
     */
    public SelectionData selectionData(long now, double maxJitter) {
        if (n == 0) {
            return null;
        }
        int b = runsSamples + bestSample;
        double elapsed = Math.abs(seconds(now - times[b]));
        double offset = offsets[b] + elapsed * slope;
        double distance = 0.5 * rootDelays[b] + rootDispersions[b] + elapsed * skew;
        double jitter = stdDev;
        if (!regressionOk) {
            if (n < MIN_SAMPLES_FOR_REGRESSION && n == maxSamples) {
                jitter = maxJitter;
            } else {
                return null;
            }
        }
        return new SelectionData(
                offset,
                distance,
                jitter,
                seconds(now - times[runsSamples]),
                seconds(now - times[runsSamples + n - 1]));
    }

    /**
     * A source's place in selection (chrony's SelectInfo).
     *
     * @param offset theta of the best sample carried to now, seconds
     * @param rootDistance its root distance grown by the skew since, seconds
     * @param stdDev jitter
     * @param firstSampleAgo seconds since the oldest sample in use
     * @param lastSampleAgo seconds since the newest
     */
    public record SelectionData(
            double offset,
            double rootDistance,
            double stdDev,
            double firstSampleAgo,
            double lastSampleAgo) {}

    /** The estimate the discipline takes from a selected or combined source. Requires a sample. */
    public TrackingData trackingData() {
        int b = runsSamples + bestSample;
        double rootDispersion =
                rootDispersions[b] + skew * seconds(offsetTime - times[b]) + estimatedOffsetSd;
        return new TrackingData(
                offsetTime,
                estimatedOffset,
                estimatedOffsetSd,
                slope,
                slopeSd,
                skew,
                rootDelays[b],
                rootDispersion);
    }

    /**
     * chrony's tracking data of a source.
     *
     * @param refTime local time of the estimate (the newest sample)
     * @param offset theta at refTime
     * @param offsetSd its standard deviation
     * @param slope d(theta)/dt
     * @param slopeSd its standard deviation
     * @param skew the slope's error bound
     * @param rootDelay the best sample's root delay
     * @param rootDispersion the best sample's root dispersion grown to refTime, plus offsetSd
     */
    public record TrackingData(
            long refTime,
            double offset,
            double offsetSd,
            double slope,
            double slopeSd,
            double skew,
            double rootDelay,
            double rootDispersion) {}

    /**
     * The offset the statistics predict at {@code when} (the newest sample's with fewer than
     * three).
     */
    public double predictOffset(long when) {
        if (n < MIN_SAMPLES_FOR_REGRESSION) {
            return n > 0 ? offsets[runsSamples + n - 1] : 0.0;
        }
        return estimatedOffset + seconds(when - offsetTime) * slope;
    }

    /**
     * The least round-trip delay kept (the runs-test samples included), or +infinity when empty.
     */
    public double minDelay() {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < runsSamples + n; i++) {
            min = Math.min(min, delays[i]);
        }
        return min;
    }

    /**
     * What the delay tests compare a new sample with, or null with fewer than {@link
     * #MIN_SAMPLES_FOR_DELAY_TESTS} samples.
     */
    public DelayTestData delayTestData(long sampleTime) {
        if (n < MIN_SAMPLES_FOR_DELAY_TESTS) {
            return null;
        }
        double ago = seconds(sampleTime - offsetTime);
        return new DelayTestData(ago, estimatedOffset + ago * slope, minDelay(), skew, stdDev);
    }

    /**
     * @param lastSampleAgo seconds from the estimate to the new sample
     * @param predictedOffset the offset the regression predicts for it (theta)
     * @param minDelay the least delay kept
     * @param skew the slope's error bound
     * @param stdDev the jitter
     */
    public record DelayTestData(
            double lastSampleAgo,
            double predictedOffset,
            double minDelay,
            double skew,
            double stdDev) {}

    /** The frequency uncertainty used for a new sample's dispersion: the skew, at most 2000 ppm. */
    public double skewForDispersion() {
        return Math.min(skew, WORST_CASE_SKEW);
    }

    /**
     * Re-expresses the samples after the clock was corrected at local time {@code when}: advanced
     * by {@code offset} seconds (a step, or a slew counted as done) and made faster by {@code
     * frequency} (seconds per second).
     */
    public void slew(long when, double offset, double frequency) {
        for (int i = 0; i < runsSamples + n; i++) {
            double delta = offset + frequency * seconds(times[i] - when);
            times[i] += Math.round(delta * 1e9);
            offsets[i] -= delta;
        }
        if (n > 0) {
            double delta = offset + frequency * seconds(offsetTime - when);
            offsetTime += Math.round(delta * 1e9);
            estimatedOffset -= delta;
            slope -= frequency;
        }
    }

    /** Adds {@code dispersion} seconds to every sample's (chrony's SST_AddDispersion). */
    public void addDispersion(double dispersion) {
        for (int i = runsSamples; i < runsSamples + n; i++) {
            rootDispersions[i] += dispersion;
            dispersions[i] += dispersion;
        }
    }

    /** The {@code sources} columns: the newest sample, or null when there is none. */
    public LastSample lastSample() {
        if (n == 0) {
            return null;
        }
        int j = runsSamples + n - 1;
        return new LastSample(
                times[j], offsets[j], originalOffsets[j], 0.5 * rootDelays[j] + rootDispersions[j]);
    }

    /**
     * @param time local time of the newest sample
     * @param offset its theta, corrected for the clock's adjustments since
     * @param originalOffset its theta as measured
     * @param error root delay / 2 + root dispersion
     */
    public record LastSample(long time, double offset, double originalOffset, double error) {}

    /** chronyc's {@code sourcestats} line at {@code now}, with chronyc's signs. */
    public SourceStatsReport report(String name, long now) {
        if (n == 0) {
            return new SourceStatsReport(name, 0, 0, 0, -slope * 1e6, skew * 1e6, 0.0, stdDev);
        }
        long span = Math.round(seconds(times[runsSamples + n - 1] - times[runsSamples]));
        double offsetNow = estimatedOffset + seconds(now - offsetTime) * slope;
        return new SourceStatsReport(
                name, n, runs, span, -slope * 1e6, skew * 1e6, -offsetNow, stdDev);
    }

    static double seconds(long nanos) {
        return nanos * 1.0e-9;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * A weighted straight line over the samples in use from {@code start}, x in seconds before the
     * newest.
     */
    private static final class Fit {
        double slope;
        double intercept;
        double variance;
        double slopeSd;
        double interceptSd;
        int points;
        int start;
        int runs;

        static Fit of(double[] x, double[] y, double[] w, int base, int start, int n) {
            double sw = 0;
            double swx = 0;
            for (int i = start; i < n; i++) {
                sw += 1.0 / w[i];
                swx += x[base + i] / w[i];
            }
            double u = swx / sw;
            double p = 0;
            double q = 0;
            double v = 0;
            for (int i = start; i < n; i++) {
                double ui = x[base + i] - u;
                p += y[base + i] / w[i];
                q += y[base + i] * ui / w[i];
                v += ui * ui / w[i];
            }
            Fit f = new Fit();
            f.slope = v > 0 ? q / v : 0.0;
            f.intercept = p / sw - f.slope * u;
            double ss = 0;
            for (int i = start; i < n; i++) {
                double r = y[base + i] - f.intercept - f.slope * x[base + i];
                ss += r * r / w[i];
            }
            f.points = n - start;
            ss /= f.points - 2;
            f.slopeSd = v > 0 ? Math.sqrt(ss / v) : WORST_CASE_SKEW;
            double a = u * f.slopeSd;
            f.interceptSd = Math.sqrt(ss / sw + a * a);
            f.variance = ss * f.points / sw;
            f.start = start;
            return f;
        }
    }
}
