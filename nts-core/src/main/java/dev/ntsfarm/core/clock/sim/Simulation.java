package dev.ntsfarm.core.clock.sim;

import dev.ntsfarm.core.clock.LeapStatus;
import dev.ntsfarm.core.clock.SystemProcess;
import java.util.List;

/**
 * Runs a {@link SystemProcess} against simulated sources on a {@link SimulatedClock}: each source is
 * polled when its schedule says, the clock advancing between events, with no real time or threads.
 * The i-th simulated source feeds the process's i-th source.
 */
public final class Simulation {
    private static final long NANOS = 1_000_000_000L;

    /** Sees the clock at regular true-time intervals. */
    @FunctionalInterface
    public interface Observer {
        void observe(double elapsedSeconds, SimulatedClock clock);
    }

    private final SimulatedClock clock;
    private final SystemProcess process;
    private final List<SimulatedSource> sources;
    private final long[] nextPoll;
    private final long start;

    public Simulation(SimulatedClock clock, SystemProcess process, List<SimulatedSource> sources) {
        if (process.sources().size() != sources.size()) {
            throw new IllegalArgumentException("one simulated source per source (expected: "
                    + process.sources().size() + "): " + sources.size());
        }
        this.clock = clock;
        this.process = process;
        this.sources = List.copyOf(sources);
        this.start = clock.trueTime();
        this.nextPoll = new long[sources.size()];
        for (int i = 0; i < nextPoll.length; i++) {
            nextPoll[i] = start + i * (NANOS / 10); // stagger the first polls as a resolver would
        }
    }

    /** Seconds of true time since the simulation began. */
    public double elapsed() {
        return (clock.trueTime() - start) * 1.0e-9;
    }

    /** Runs until {@code seconds} of true time have passed since the start, observing every {@code every} seconds. */
    public void runUntil(double seconds, double every, Observer observer) {
        long end = start + Math.round(seconds * NANOS);
        long step = Math.round(every * NANOS);
        long nextObservation = clock.trueTime() - Math.floorMod(clock.trueTime() - start, step) + step;
        while (clock.trueTime() < end) {
            int due = 0;
            for (int i = 1; i < nextPoll.length; i++) {
                if (nextPoll[i] < nextPoll[due]) {
                    due = i;
                }
            }
            long next = Math.min(Math.min(nextPoll[due], nextObservation), end);
            clock.advance(next - clock.trueTime());
            if (next == nextObservation) {
                observer.observe(elapsed(), clock);
                nextObservation += step;
            }
            if (next == nextPoll[due] && next < end) {
                SimulatedSource s = sources.get(due);
                double interval = s.answers()
                        ? process.answered(due, s.measure(clock), 1, LeapStatus.NORMAL)
                        : process.unanswered(due);
                nextPoll[due] = next + Math.round(interval * NANOS);
            }
        }
    }
}
