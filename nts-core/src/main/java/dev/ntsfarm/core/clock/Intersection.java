package dev.ntsfarm.core.clock;

import java.util.Arrays;
import java.util.Optional;

/**
 * The intersection algorithm (Marzullo; RFC 5905 section 11.2.1; chrony's variant): the interval
 * contained in the most source intervals. Endpoints are swept in order, a low end before a high end
 * at the same offset, so touching intervals agree.
 */
public final class Intersection {

    /** The interval found and how many source intervals contain it. */
    public record Interval(double lo, double hi, int depth) {
        /** True when more than half of {@code sources} agree, as selection requires. */
        public boolean majorityOf(int sources) {
            return depth > sources / 2;
        }

        /** chrony's survivor test: the source's interval contains this one or lies within it. */
        public boolean admits(double sourceLo, double sourceHi) {
            return (sourceLo <= lo && sourceHi >= hi) || (sourceLo >= lo && sourceHi <= hi);
        }
    }

    private Intersection() {}

    /**
     * The deepest interval of the given source intervals (lo[i] <= hi[i]); empty when there are
     * none. With several equally deep, the first (lowest) wins.
     */
    public static Optional<Interval> find(double[] lo, double[] hi) {
        if (lo.length != hi.length) {
            throw new IllegalArgumentException(
                    "endpoint arrays differ in length: " + lo.length + ", " + hi.length);
        }
        int n = lo.length;
        if (n == 0) {
            return Optional.empty();
        }
        // Each endpoint as (offset, tag): tag -1 opens an interval, +1 closes it; sorted so opens
        // come first.
        double[][] ends = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            ends[2 * i] = new double[] {lo[i], -1};
            ends[2 * i + 1] = new double[] {hi[i], 1};
        }
        Arrays.sort(
                ends,
                (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        int depth = 0;
        int bestDepth = 0;
        double bestLo = 0;
        double bestHi = 0;
        for (double[] end : ends) {
            if (end[1] < 0) {
                depth++;
                if (depth > bestDepth) {
                    bestDepth = depth;
                    bestLo = end[0];
                }
            } else {
                if (depth == bestDepth) {
                    bestHi = end[0];
                }
                depth--;
            }
        }
        return Optional.of(new Interval(bestLo, bestHi, bestDepth));
    }
}
