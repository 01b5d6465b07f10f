package dev.ntsfarm.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The process's own recent past, for the status page: every {@code interval} one sample of each
 * series (a counter's running total or a gauge's value), in a ring of fixed size, so the page can
 * plot the last hour without any store outside the process. Thread-safe; sampling costs one read of
 * each source and no allocation beyond the ring.
 */
public final class History {

    private final Map<String, DoubleSupplier> sources = new LinkedHashMap<>();
    private final int capacity;
    private String[] names = new String[0];
    private DoubleSupplier[] readers = new DoubleSupplier[0];
    private long[] times;
    private double[][] values;
    private int next;
    private int size;

    /**
     * @param capacity how many samples are kept; older ones are overwritten
     */
    public History(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity " + capacity + " (expected: >= 2)");
        }
        this.capacity = capacity;
        this.times = new long[capacity];
        this.values = new double[0][];
    }

    /** Adds a series; a series added after sampling began starts with NaN in the older samples. */
    public synchronized History track(String name, DoubleSupplier source) {
        if (sources.containsKey(name)) {
            throw new IllegalArgumentException("series " + name + " tracked twice");
        }
        sources.put(name, source);
        names = sources.keySet().toArray(String[]::new);
        readers = sources.values().toArray(DoubleSupplier[]::new);
        double[][] grown = Arrays.copyOf(values, names.length);
        grown[names.length - 1] = new double[capacity];
        Arrays.fill(grown[names.length - 1], Double.NaN);
        values = grown;
        return this;
    }

    /** Whether {@code name} is tracked. */
    public synchronized boolean tracks(String name) {
        return sources.containsKey(name);
    }

    /** Takes one sample of every series, stamped {@code unixMillis}. */
    public synchronized void sample(long unixMillis) {
        times[next] = unixMillis;
        for (int i = 0; i < readers.length; i++) {
            double v;
            try {
                v = readers[i].getAsDouble();
            } catch (RuntimeException e) {
                v = Double.NaN; // a source that cannot answer now leaves a gap, not a broken page
            }
            values[i][next] = v;
        }
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** The samples held, oldest first. */
    public synchronized Samples samples() {
        long[] t = new long[size];
        Map<String, double[]> series = new LinkedHashMap<>();
        int start = (next - size + capacity) % capacity;
        for (int k = 0; k < size; k++) {
            t[k] = times[(start + k) % capacity];
        }
        for (int i = 0; i < names.length; i++) {
            double[] v = new double[size];
            for (int k = 0; k < size; k++) {
                v[k] = values[i][(start + k) % capacity];
            }
            series.put(names[i], v);
        }
        return new Samples(t, series);
    }

    /** The series' names, in the order they were added. */
    public synchronized List<String> names() {
        return new ArrayList<>(sources.keySet());
    }

    /**
     * A copy of the held samples: times in Unix milliseconds and each series' values at those
     * times.
     */
    public record Samples(long[] times, Map<String, double[]> series) {

        /** The values of {@code name}; NaN everywhere when it is not tracked. */
        public double[] of(String name) {
            double[] v = series.get(name);
            if (v == null) {
                v = new double[times.length];
                Arrays.fill(v, Double.NaN);
            }
            return v;
        }

        public int size() {
            return times.length;
        }
    }
}
