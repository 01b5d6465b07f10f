package dev.ntsfarm.core.clock;

import java.util.Arrays;
import java.util.Optional;

/**
 * One source's clock filter, in chrony's manner (sourcestats): keeps its last samples, fits offset
 * against local time by weighted least squares, trims old samples when the residuals stop looking
 * random (a runs test), and reports offset, frequency (slope), skew and jitter.
 *
 * <p>Samples are kept on the corrected ("cooked") local timescale: when the discipline adjusts the
 * clock, {@link #correct} moves every kept sample as if the clock had always run that way, so the
 * regression stays valid across corrections. Not thread-safe; one per source.
 */
public final class ClockFilter {
    /** chrony's MAX_SAMPLES: the register's largest size. */
    public static final int MAX_SAMPLES = 64;
    /** A line needs three points to have a residual. */
    public static final int MIN_SAMPLES_FOR_REGRESSION = 3;
    /** chrony's default maxsamples. */
    public static final int DEFAULT_MAX_SAMPLES = MAX_SAMPLES;
    /** Worst-case frequency bound when nothing better is known: 2000 ppm (chrony). */
    public static final double WORST_CASE_SKEW = 2000.0e-6;
    /** Worst-case standard deviation when nothing better is known: 4 s (chrony). */
    public static final double WORST_CASE_STD_DEV = 4.0;
    /** Smallest standard deviation reported, 1 ns. */
    public static final double MIN_STD_DEV = 1.0e-9;
    /** Smallest skew reported. */
    public static final double MIN_SKEW = 1.0e-12;
    /** chrony's assumed ratio of a sample's error deviation to its excess distance. */
    private static final double SD_TO_DIST_RATIO = 0.7;
    /** Timestamping precision assumed when weighting samples. */
    private static final double PRECISION = 1.0e-8;
    /** Windows shorter than this are not runs-tested: too few points to judge. */
    private static final int MIN_SAMPLES_FOR_RUNS_TEST = 8;
    /** Too few runs below the expectation by this many deviations: a trend, not noise. */
    private static final double RUNS_TEST_DEVIATIONS = 2.5;

    private final int maxSamples;
    private final long[] times;
    private final double[] offsets;
    private final double[] originalOffsets;
    private final double[] delays;
    private final double[] dispersions;
    private final double[] rootDelays;
    private final double[] rootDispersions;
    private int count;
    private SourceEstimate estimate;

    /** A filter keeping at most {@code maxSamples} samples (chrony's {@code maxsamples}, 1..64). */
    public ClockFilter(int maxSamples) {
        if (maxSamples < 1 || maxSamples > MAX_SAMPLES) {
            throw new IllegalArgumentException("maxsamples (expected: 1.." + MAX_SAMPLES + "): " + maxSamples);
        }
        this.maxSamples = maxSamples;
        times = new long[maxSamples];
        offsets = new double[maxSamples];
        originalOffsets = new double[maxSamples];
        delays = new double[maxSamples];
        dispersions = new double[maxSamples];
        rootDelays = new double[maxSamples];
        rootDispersions = new double[maxSamples];
    }

    public ClockFilter() {
        this(DEFAULT_MAX_SAMPLES);
    }

    /** Number of samples held. */
    public int samples() {
        return count;
    }

    /** The current estimate, empty before the first sample. */
    public Optional<SourceEstimate> estimate() {
        return Optional.ofNullable(estimate);
    }

    /** The smallest round-trip delay among the kept samples, or +infinity when empty. */
    public double minDelay() {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            min = Math.min(min, delays[i]);
        }
        return min;
    }

    /**
     * Adds a sample (its offset already relative to the corrected clock) and re-estimates.
     * A sample older than the newest kept one is ignored: the register is in time order.
     *
     * @return the new estimate
     */
    public SourceEstimate add(Sample sample) {
        if (count > 0 && sample.localTime() < times[count - 1]) {
            return estimate;
        }
        if (count == maxSamples) {
            dropOldest(1);
        }
        times[count] = sample.localTime();
        offsets[count] = sample.offset();
        originalOffsets[count] = sample.offset();
        delays[count] = sample.delay();
        dispersions[count] = sample.dispersion();
        rootDelays[count] = sample.rootDelay();
        rootDispersions[count] = sample.rootDispersion();
        count++;
        estimate = regress();
        return estimate;
    }

    /**
     * Re-expresses the kept samples after the clock was corrected at local time {@code when}: its
     * offset moved by {@code offset} seconds (slewed or stepped; positive: the clock was advanced)
     * and its rate by {@code frequency} (seconds per second; positive: the clock now runs faster).
     */
    public void correct(long when, double offset, double frequency) {
        if (count == 0) {
            return;
        }
        for (int i = 0; i < count; i++) {
            offsets[i] -= offset + frequency * SourceEstimate.seconds(times[i] - when);
        }
        estimate = regress();
    }

    /** Forgets every sample (after a step chrony keeps them; after a source change one resets). */
    public void reset() {
        count = 0;
        estimate = null;
    }

    private void dropOldest(int n) {
        int keep = count - n;
        System.arraycopy(times, n, times, 0, keep);
        System.arraycopy(offsets, n, offsets, 0, keep);
        System.arraycopy(originalOffsets, n, originalOffsets, 0, keep);
        System.arraycopy(delays, n, delays, 0, keep);
        System.arraycopy(dispersions, n, dispersions, 0, keep);
        System.arraycopy(rootDelays, n, rootDelays, 0, keep);
        System.arraycopy(rootDispersions, n, rootDispersions, 0, keep);
        count = keep;
    }

    private SourceEstimate regress() {
        int n = count;
        long ref = times[n - 1];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = SourceEstimate.seconds(times[i] - ref);
        }
        double[] w = weights(n);
        Fit fit = null;
        int start = 0;
        if (n >= MIN_SAMPLES_FOR_REGRESSION) {
            for (start = 0; start <= n - MIN_SAMPLES_FOR_REGRESSION; start++) {
                fit = Fit.of(x, offsets, w, start, n);
                if (n - start < MIN_SAMPLES_FOR_RUNS_TEST || fit.runsLookRandom()) {
                    break;
                }
            }
            if (start > n - MIN_SAMPLES_FOR_REGRESSION) {
                start = n - MIN_SAMPLES_FOR_REGRESSION;
            }
            if (start > 0) {
                dropOldest(start);
                return regress();
            }
        }
        boolean ok = fit != null && fit.sxx > 0;
        double slope = ok ? fit.slope : 0.0;
        double slopeSd = ok ? fit.slopeSd() : WORST_CASE_SKEW;
        double skew = ok ? clamp(slopeSd * StudentT.coefficient95(n - 2), MIN_SKEW, WORST_CASE_SKEW * 50) : WORST_CASE_SKEW;
        double stdDev = ok ? Math.max(MIN_STD_DEV, Math.sqrt(fit.variance)) : WORST_CASE_STD_DEV;
        double offset = ok ? fit.intercept : offsets[n - 1];
        double offsetSd = ok ? fit.interceptSd() : WORST_CASE_STD_DEV;
        int runs = ok ? fit.runs : 0;

        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double d = rootDispersions[i] + 0.5 * rootDelays[i] - x[i] * skew;
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        int last = n - 1;
        return new SourceEstimate(ref, offset, offsetSd, slope, slopeSd, skew, stdDev, ok, n, runs,
                -x[0], times[best], offsets[best], rootDelays[best], rootDispersions[best],
                times[last], offsets[last], originalOffsets[last],
                0.5 * rootDelays[last] + rootDispersions[last]);
    }

    /** chrony's weighting: samples whose peer distance exceeds the minimum count for less. */
    private double[] weights(int n) {
        double[] distance = new double[n];
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            distance[i] = 0.5 * delays[i] + dispersions[i];
            min = Math.min(min, distance[i]);
        }
        double[] sorted = Arrays.copyOf(distance, n);
        Arrays.sort(sorted);
        double median = (n % 2 == 1) ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        double sd = clamp((median - min) / SD_TO_DIST_RATIO, PRECISION, Math.max(PRECISION, min));
        double threshold = min + PRECISION;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double f = 1.0 + Math.max(0.0, distance[i] - threshold) / sd;
            w[i] = 1.0 / (f * f);
        }
        return w;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** A weighted straight-line fit over samples [start, end), x in seconds before the newest. */
    private record Fit(double slope, double intercept, double variance, double sxx, double sumW,
                       double meanX, int n, int runs, int positive, int negative) {

        static Fit of(double[] x, double[] y, double[] w, int start, int end) {
            double sw = 0, swx = 0, swy = 0;
            for (int i = start; i < end; i++) {
                sw += w[i];
                swx += w[i] * x[i];
                swy += w[i] * y[i];
            }
            double mx = swx / sw;
            double my = swy / sw;
            double sxx = 0, sxy = 0;
            for (int i = start; i < end; i++) {
                double dx = x[i] - mx;
                sxx += w[i] * dx * dx;
                sxy += w[i] * dx * (y[i] - my);
            }
            double slope = sxx > 0 ? sxy / sxx : 0.0;
            double intercept = my - slope * mx;
            double ssr = 0;
            int runs = 0, pos = 0, neg = 0, lastSign = 0;
            for (int i = start; i < end; i++) {
                double r = y[i] - (intercept + slope * x[i]);
                ssr += w[i] * r * r;
                int sign = r >= 0 ? 1 : -1;
                if (sign > 0) {
                    pos++;
                } else {
                    neg++;
                }
                if (sign != lastSign) {
                    runs++;
                    lastSign = sign;
                }
            }
            int n = end - start;
            double variance = n > 2 ? ssr / (n - 2) : 0.0;
            return new Fit(slope, intercept, variance, sxx, sw, mx, n, runs, pos, neg);
        }

        double slopeSd() {
            return Math.sqrt(variance / sxx);
        }

        /** At x = 0, the newest sample's time. */
        double interceptSd() {
            return Math.sqrt(variance * (1.0 / sumW + meanX * meanX / sxx));
        }

        /** Wald-Wolfowitz runs test: a trend shows as too few sign changes. */
        boolean runsLookRandom() {
            if (variance <= MIN_STD_DEV * MIN_STD_DEV) {
                return true; // a line within timestamp resolution: the signs are rounding, not a trend
            }
            if (positive == 0 || negative == 0) {
                return false;
            }
            double mean = 1.0 + 2.0 * positive * negative / n;
            double var = (mean - 1.0) * (mean - 2.0) / (n - 1);
            return runs >= mean - RUNS_TEST_DEVIATIONS * Math.sqrt(Math.max(var, 0.0));
        }
    }
}
