package dev.ntsfarm.agent.control;

import dev.ntsfarm.agent.source.Sample;
import java.util.List;

/**
 * chronyc {@code sourcestats} figures from a source's samples: a least-squares line of offset over
 * time gives the frequency and its standard error (skew), the residuals give runs and deviation.
 */
record SourceStatistics(int runs, long spanSeconds, double frequencyPpm, double skewPpm, double offset,
                        double stdDev) {

    static SourceStatistics of(List<Sample> samples) {
        int n = samples.size();
        long t0 = samples.getLast().localUnixNanos();
        double[] x = new double[n];
        double[] y = new double[n];
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (samples.get(i).localUnixNanos() - t0) / 1e9;
            // chrony's sourcestats offsets are of the local clock against the source: the clock's error
            y[i] = -samples.get(i).offset();
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        double slope = sxx > 0 ? sxy / sxx : 0;
        double intercept = my - slope * mx;
        double ss = 0;
        int runs = n > 0 ? 1 : 0;
        double prev = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - (intercept + slope * x[i]);
            ss += r * r;
            if (i > 0 && Math.signum(r) != Math.signum(prev)) {
                runs++;
            }
            prev = r;
        }
        double sd = n > 2 ? Math.sqrt(ss / (n - 2)) : (n > 0 ? Math.sqrt(ss / n) : 0);
        double skew = n > 2 && sxx > 0 ? Math.sqrt(ss / (n - 2) / sxx) : 0;
        long span = (samples.getLast().localUnixNanos() - samples.getFirst().localUnixNanos()) / 1_000_000_000L;
        return new SourceStatistics(runs, span, slope * 1e6, skew * 1e6, intercept, sd);
    }
}
