package dev.ntsfarm.core.clock.sim;

import dev.ntsfarm.core.clock.Action;
import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.core.clock.SystemProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Runs a {@link SystemProcess} against {@link SimulatedServer}s on a {@link SimulatedClock}, as the
 * agent would over sockets and timers: the process's actions are carried out (request bytes go to
 * the source's server, whose reply bytes come back after the path's delay; timers fire), and the
 * clock advances between events. No real time, no threads: hours pass in milliseconds.
 */
public final class Simulation {
    private static final long NANOS = 1_000_000_000L;

    /** Sees the clock at regular true-time intervals. */
    @FunctionalInterface
    public interface Observer {
        void observe(double elapsedSeconds, SimulatedClock clock);
    }

    private record Event(long at, long seq, NtpSource source, byte[] packet, long timerGeneration)
            implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final SimulatedClock clock;
    private final SystemProcess process;
    private final Map<NtpSource, SimulatedServer> servers = new HashMap<>();
    private final Map<NtpSource, Long> timerGeneration = new HashMap<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final List<Action> log = new ArrayList<>();
    private final long start;
    private long seq;
    private long slewGeneration;

    public Simulation(SimulatedClock clock, SystemProcess process) {
        this.clock = clock;
        this.process = process;
        this.start = clock.trueTime();
        apply(process.startClock());
    }

    /** Serves {@code source} from {@code server} and starts polling it. */
    public void serve(NtpSource source, SimulatedServer server) {
        servers.put(source, server);
        apply(process.start(source));
    }

    /** Seconds of true time since the simulation began. */
    public double elapsed() {
        return (clock.trueTime() - start) * 1.0e-9;
    }

    /**
     * Every action other than sends and timers (notices, drift file saves, one-shot results), in
     * order.
     */
    public List<Action> log() {
        return List.copyOf(log);
    }

    /**
     * Runs until {@code seconds} of true time have passed since the start, observing every {@code
     * every} seconds.
     */
    public void runUntil(double seconds, double every, Observer observer) {
        long end = start + Math.round(seconds * NANOS);
        long step = Math.round(every * NANOS);
        long nextObservation =
                clock.trueTime() - Math.floorMod(clock.trueTime() - start, step) + step;
        while (clock.trueTime() < end) {
            Event e = events.peek();
            long next =
                    Math.min(e == null ? Long.MAX_VALUE : e.at(), Math.min(nextObservation, end));
            clock.advance(next - clock.trueTime());
            if (next == nextObservation) {
                observer.observe(elapsed(), clock);
                nextObservation += step;
            }
            if (e != null && e.at() == next && next < end) {
                events.poll();
                fire(e);
            }
        }
    }

    /** Runs until {@code seconds} have passed. */
    public void runUntil(double seconds) {
        runUntil(seconds, seconds, (t, c) -> {});
    }

    private void fire(Event e) {
        if (e.source() == null) {
            if (e.timerGeneration() == slewGeneration) {
                apply(process.onSlewTimer());
            }
        } else if (e.packet() == null) {
            if (timerGeneration.getOrDefault(e.source(), 0L) == e.timerGeneration()) {
                apply(process.onTimer(e.source()));
            }
        } else if (process.sources().contains(e.source())) {
            apply(
                    process.onPacket(
                            e.source(), e.packet(), 0, e.packet().length, NtpSource.NO_TIMESTAMP));
        }
    }

    private void apply(List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.SetTimer t -> {
                    long generation = timerGeneration.merge(t.source(), 1L, Long::sum);
                    events.add(
                            new Event(
                                    clock.trueTime() + Math.round(t.seconds() * NANOS),
                                    seq++,
                                    t.source(),
                                    null,
                                    generation));
                }
                case Action.SlewTimer t ->
                        events.add(
                                new Event(
                                        clock.trueTime() + Math.round(t.seconds() * NANOS),
                                        seq++,
                                        null,
                                        null,
                                        ++slewGeneration));
                case Action.CancelTimer c -> timerGeneration.merge(c.source(), 1L, Long::sum);
                case Action.Send s -> {
                    SimulatedServer server = servers.get(s.source());
                    SimulatedServer.Reply r =
                            server == null ? null : server.answer(s.packet(), clock.trueTime());
                    if (r != null) {
                        events.add(new Event(r.arrival(), seq++, s.source(), r.packet(), 0));
                    }
                }
                case Action.Demobilize d -> {
                    log.add(d);
                    apply(process.remove(d.source()));
                }
                default -> log.add(a);
            }
        }
    }
}
