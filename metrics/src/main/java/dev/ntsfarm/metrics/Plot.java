package dev.ntsfarm.metrics;

import java.util.List;
import java.util.Objects;

/**
 * One plot of the status page: a title, a unit and the lines drawn in it, each derived from the
 * {@link History}'s samples. Every line has one point per interval between two samples.
 *
 * @param id an HTML id, unique on the page
 * @param title what the plot shows
 * @param unit the unit of its values, shown beside the latest value
 * @param lines what is drawn, in order
 */
public record Plot(String id, String title, String unit, List<Line> lines) {

    public Plot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(unit, "unit");
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("plot " + id + " has no line");
        }
    }

    /** How a line's points come from the samples. */
    public sealed interface Line {

        /** The line's name in the legend. */
        String label();

        /** The series whose running total is shown beside the plot, or null for none. */
        default String total() {
            return null;
        }

        /** One point per interval between two consecutive samples (NaN where it cannot be told). */
        double[] points(History.Samples s);

        /** A counter's increase per second. */
        record Rate(String label, String series) implements Line {
            @Override
            public String total() {
                return series;
            }

            @Override
            public double[] points(History.Samples s) {
                double[] v = s.of(series);
                return per(
                        s,
                        (i, dt) -> {
                            double d = v[i] - v[i - 1];
                            return d < 0 ? Double.NaN : d / dt;
                        });
            }
        }

        /** A gauge's value at the end of each interval, times {@code scale}. */
        record Value(String label, String series, double scale) implements Line {
            @Override
            public double[] points(History.Samples s) {
                double[] v = s.of(series);
                return per(s, (i, dt) -> v[i] * scale);
            }
        }

        /**
         * The percentage of one counter's increase in another's (for example NTS among all
         * requests).
         */
        record Share(String label, String part, String whole) implements Line {
            @Override
            public double[] points(History.Samples s) {
                double[] p = s.of(part);
                double[] w = s.of(whole);
                return per(
                        s,
                        (i, dt) -> {
                            double dw = w[i] - w[i - 1];
                            double dp = p[i] - p[i - 1];
                            return dw > 0 && dp >= 0
                                    ? Math.min(100.0, 100.0 * dp / dw)
                                    : Double.NaN;
                        });
            }
        }

        /**
         * A histogram's mean over each interval: its sum's increase over its count's, times {@code
         * scale}.
         */
        record Mean(String label, String sum, String count, double scale) implements Line {
            @Override
            public double[] points(History.Samples s) {
                double[] su = s.of(sum);
                double[] c = s.of(count);
                return per(
                        s,
                        (i, dt) -> {
                            double dc = c[i] - c[i - 1];
                            return dc > 0 ? (su[i] - su[i - 1]) / dc * scale : Double.NaN;
                        });
            }
        }

        private static double[] per(History.Samples s, Step step) {
            long[] t = s.times();
            double[] out = new double[Math.max(0, t.length - 1)];
            for (int i = 1; i < t.length; i++) {
                double dt = (t[i] - t[i - 1]) / 1000.0;
                out[i - 1] = dt > 0 ? step.at(i, dt) : Double.NaN;
            }
            return out;
        }
    }

    @FunctionalInterface
    interface Step {
        double at(int index, double seconds);
    }
}
