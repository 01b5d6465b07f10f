package dev.ntsfarm.app.bench;

/**
 * Round-trip times in microsecond buckets up to 1 s (slower ones in the last bucket); one writer.
 */
final class LatencyHistogram {

    private static final int BUCKETS = 1_000_001;
    private final int[] counts = new int[BUCKETS];
    private long total;
    private long maxNanos;

    void record(long nanos) {
        int micros = (int) Math.min(BUCKETS - 1, Math.max(0, nanos / 1000));
        counts[micros]++;
        total++;
        maxNanos = Math.max(maxNanos, nanos);
    }

    long count() {
        return total;
    }

    /** The latency in microseconds below which {@code fraction} of the samples lie. */
    long percentileMicros(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i;
            }
        }
        return BUCKETS - 1;
    }

    long maxMicros() {
        return maxNanos / 1000;
    }
}
