package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.clock.sim.SimulatedClock;
import dev.ntsfarm.core.clock.sim.SimulatedSource;
import dev.ntsfarm.core.clock.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's simulation: from a +100 ppm frequency error, three sources at 50 us jitter and a fourth
 * 50 ms off, the clock is within 100 us of true time in 30 simulated minutes, then holds an RMS error
 * under 20 us for an hour, and the fourth source is a false-ticker. Seeds are fixed; figures are
 * printed for BENCHMARKS.md. Each source is {@code server ... iburst minpoll 6 maxpoll 6}; makestep 1 3.
 */
class DisciplineSimulationTest {
    private static final long START = 1_795_314_696_000_000_000L;
    private static final double JITTER = 50e-6;
    private static final double DELAY = 1e-3;

    record Run(double convergedAt, double rmsHour, double maxHour, double finalFrequencyError,
               Selection selection, List<SourceReport> reports, List<SourceStatsReport> stats,
               Tracking tracking, int updates) {
    }

    static Run run(long seed, double initialOffset) {
        var clock = new SimulatedClock(START, initialOffset, 100.0);
        var process = new SystemProcess(clock, Discipline.withoutDriftfile(new Makestep(1.0, 3)), SelectOptions.DEFAULTS);
        List<SimulatedSource> paths = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String name = "192.0.2." + (i + 1);
            double bias = i == 3 ? 50e-3 : 0.0;
            paths.add(new SimulatedSource(name, bias, JITTER, DELAY, 1.0, seed * 31 + i));
            process.add(new Source(name, 0xC0000201 + i, SourceReport.MODE_SERVER,
                    new PollSchedule(PollSchedule.DEFAULT_MINPOLL, 6, true), new ClockFilter()));
        }
        var sim = new Simulation(clock, process, paths);
        double[] converged = {Double.NaN};
        sim.runUntil(30 * 60, 1.0, (t, c) -> {
            if (Math.abs(c.offset()) > 100e-6) {
                converged[0] = Double.NaN;
            } else if (Double.isNaN(converged[0])) {
                converged[0] = t;
            }
        });
        double[] sum2 = {0};
        double[] max = {0};
        int[] n = {0};
        sim.runUntil(90 * 60, 1.0, (t, c) -> {
            sum2[0] += c.offset() * c.offset();
            max[0] = Math.max(max[0], Math.abs(c.offset()));
            n[0]++;
        });
        List<SourceReport> reports = process.sources().stream().map(s -> s.report(clock.readTime())).toList();
        List<SourceStatsReport> stats = process.sources().stream().map(s -> s.statsReport(clock.readTime())).toList();
        return new Run(converged[0], Math.sqrt(sum2[0] / n[0]), max[0], clock.netFrequencyErrorPpm(),
                process.selection(), reports, stats, process.tracking(), process.discipline().updates());
    }

    @Test
    void convergesHoldsAndRejectsTheFalseTicker() {
        Run r = run(1, 0.0);
        System.out.printf(Locale.ROOT,
                "simulation: converged within 100 us at %.0f s; RMS error over the next hour %.2f us"
                + " (max %.2f us); final frequency error %+.4f ppm; %d clock updates; tracking RMS offset %.2f us%n",
                r.convergedAt(), r.rmsHour() * 1e6, r.maxHour() * 1e6, r.finalFrequencyError(), r.updates(),
                r.tracking().rmsOffset() * 1e6);
        r.reports().forEach(System.out::println);
        r.stats().forEach(System.out::println);
        System.out.println(r.tracking());
        assertTrue(r.convergedAt() <= 30 * 60, "converged at " + r.convergedAt());
        assertTrue(r.rmsHour() < 20e-6, "RMS " + r.rmsHour());
        assertEquals(SourceState.FALSETICKER, r.selection().state(3));
        assertEquals('x', r.reports().get(3).state().symbol());
        for (int i = 0; i < 3; i++) {
            SourceState s = r.selection().state(i);
            assertTrue(s == SourceState.SELECTED || s == SourceState.COMBINED, "source " + i + " " + s);
        }
    }

    @Test
    void otherSeedsAndAStartTwoSecondsOffMeetTheSameBounds() {
        for (long seed = 2; seed <= 5; seed++) {
            Run r = run(seed, seed == 5 ? 2.0 : 0.0);
            System.out.printf(Locale.ROOT, "seed %d: converged at %.0f s, RMS %.2f us, final frequency error %+.4f ppm%n",
                    seed, r.convergedAt(), r.rmsHour() * 1e6, r.finalFrequencyError());
            assertTrue(r.convergedAt() <= 30 * 60, "seed " + seed + " converged at " + r.convergedAt());
            assertTrue(r.rmsHour() < 20e-6, "seed " + seed + " RMS " + r.rmsHour());
            assertEquals(SourceState.FALSETICKER, r.selection().state(3));
        }
    }
}
