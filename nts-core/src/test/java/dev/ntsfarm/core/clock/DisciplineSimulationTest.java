package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.clock.sim.SimulatedClock;
import dev.ntsfarm.core.clock.sim.SimulatedServer;
import dev.ntsfarm.core.clock.sim.Simulation;
import dev.ntsfarm.core.config.MakeStep;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.cookie.NonceSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The discipline against simulated servers, through the same source machine, selection and
 * discipline the agent runs, with request and reply bytes: from a +100 ppm frequency error, three
 * sources at 50 us jitter and a fourth 50 ms off, the clock is within 100 us of true time in 30
 * simulated minutes and then holds an RMS error under 20 us for an hour, with chrony's defaults
 * ({@code server ... iburst}, minpoll 6, maxpoll 10) and {@code makestep 1 3}; the fourth source is
 * a false-ticker. Seeds 1 to 5, with the jitter made by the path's queues (as on a network: the
 * samples with the least delay are the best) and, harder, by noise on the server's timestamps that
 * no delay reveals; the figures are printed for BENCHMARKS.md ({@code ./ntsfarm test -pl nts-core
 * -Dtest=DisciplineSimulationTest}).
 */
class DisciplineSimulationTest {
    static final long START = 1_795_314_696_000_000_000L;
    private static final double JITTER = 50e-6;
    private static final double DELAY = 1e-3;

    record Run(
            double convergedAt,
            double rmsHour,
            double maxHour,
            double finalFrequencyError,
            List<SourceReport> reports,
            List<SourceStatsReport> stats,
            Tracking tracking,
            int updates,
            List<Integer> polls) {}

    static NonceSource seeded(long seed) {
        Random r = new Random(seed);
        return (buf, off, len) -> {
            byte[] b = new byte[len];
            r.nextBytes(b);
            System.arraycopy(b, 0, buf, off, len);
        };
    }

    static Run run(long seed, double initialOffset, SimulatedServer.Jitter model) {
        return run(seed, initialOffset, model, SourceDirective.DEFAULT_POLLTARGET);
    }

    static Run run(long seed, double initialOffset, SimulatedServer.Jitter model, int pollTarget) {
        var clock = new SimulatedClock(START, initialOffset, 100.0);
        var discipline =
                new Discipline(
                        Discipline.Mode.NORMAL,
                        new MakeStep(1.0, 3),
                        null,
                        Discipline.DEFAULT_MAX_UPDATE_SKEW,
                        new Driftfile.Invalid("none"));
        var process = new SystemProcess(clock, discipline, SelectOptions.DEFAULTS, seeded(seed));
        var sim = new Simulation(clock, process);
        List<NtpSource> sources = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String name = "192.0.2." + (i + 1);
            double bias = i == 3 ? 50e-3 : 0.0;
            SourceDirective d = SourceDirective.of(SourceDirective.Kind.SERVER, name);
            var p = d.parameters();
            d =
                    new SourceDirective(
                            d.kind(),
                            d.host(),
                            d.port(),
                            d.ntsPort(),
                            false,
                            true,
                            d.keyId(),
                            d.minPoll(),
                            d.maxPoll(),
                            d.maxSamples(),
                            new SourceDirective.Parameters(
                                    p.burst(),
                                    p.xleave(),
                                    p.maxDelay(),
                                    p.maxDelayRatio(),
                                    p.maxDelayDevRatio(),
                                    p.minSamples(),
                                    pollTarget));
            NtpSource s = process.add(d, 0xC0000201 + i, SourceAuth.NONE);
            sources.add(s);
            sim.serve(
                    s,
                    new SimulatedServer(name, bias, JITTER, DELAY, 1.0, seed * 31 + i)
                            .jitter(model));
        }
        double[] converged = {Double.NaN};
        sim.runUntil(
                30 * 60,
                1.0,
                (t, c) -> {
                    if (Math.abs(c.offset()) > 100e-6) {
                        converged[0] = Double.NaN;
                    } else if (Double.isNaN(converged[0])) {
                        converged[0] = t;
                    }
                });
        double[] sum2 = {0};
        double[] max = {0};
        int[] n = {0};
        sim.runUntil(
                90 * 60,
                1.0,
                (t, c) -> {
                    sum2[0] += c.offset() * c.offset();
                    max[0] = Math.max(max[0], Math.abs(c.offset()));
                    n[0]++;
                });
        long now = process.now();
        return new Run(
                converged[0],
                Math.sqrt(sum2[0] / n[0]),
                max[0],
                clock.netFrequencyErrorPpm(),
                sources.stream().map(s -> s.report(now)).toList(),
                sources.stream().map(s -> s.source().statsReport(now)).toList(),
                process.tracking(),
                discipline.updates(),
                sources.stream().map(NtpSource::poll).toList());
    }

    static Stream<Arguments> seeds() {
        return Stream.of(SimulatedServer.Jitter.values())
                .flatMap(
                        model ->
                                Stream.of(1L, 2L, 3L, 4L, 5L)
                                        .map(seed -> Arguments.of(model, seed)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("seeds")
    void convergesHoldsAndRejectsTheFalseTickerAtChronysDefaultPolls(
            SimulatedServer.Jitter model, long seed) {
        // seed 5 starts 2 s off, so makestep steps it
        Run r = run(seed, seed == 5 ? 2.0 : 0.0, model);
        System.out.printf(
                Locale.ROOT,
                "simulation %s seed %d: within 100 us at %.0f s; RMS error over the next hour %.2f us (max %.2f us);"
                        + " final frequency error %+.4f ppm; %d clock updates; polls %s%n",
                model,
                seed,
                r.convergedAt(),
                r.rmsHour() * 1e6,
                r.maxHour() * 1e6,
                r.finalFrequencyError(),
                r.updates(),
                r.polls());
        if (seed == 1 && model == SimulatedServer.Jitter.PATH) {
            r.reports().forEach(System.out::println);
            r.stats().forEach(System.out::println);
            System.out.println(r.tracking());
        }
        assertTrue(r.convergedAt() <= 30 * 60, "converged at " + r.convergedAt());
        assertTrue(r.rmsHour() < 20e-6, "RMS " + r.rmsHour());
        assertEquals('x', r.reports().get(3).state().symbol(), r.reports().toString());
        for (int i = 0; i < 3; i++) {
            char s = r.reports().get(i).state().symbol();
            assertTrue(s == '*' || s == '+', "source " + i + " " + s);
        }
        assertTrue(
                r.polls().subList(0, 3).stream().allMatch(p -> p > SourceDirective.DEFAULT_MINPOLL),
                "the polls lengthened from minpoll: " + r.polls());
    }

    /**
     * chrony's own default, {@code polltarget 8}: the same rules converge and find the
     * false-ticker, but reach maxpoll 10 with too few recent samples to hold the RMS bound for
     * every seed (the figures printed here are in BENCHMARKS.md; they are why the default is 16).
     */
    @ParameterizedTest(name = "{0} seed {1}, polltarget 8")
    @MethodSource("seeds")
    void chronysPolltargetEightConvergesButHoldsLessTightly(
            SimulatedServer.Jitter model, long seed) {
        Run r = run(seed, seed == 5 ? 2.0 : 0.0, model, 8);
        System.out.printf(
                Locale.ROOT,
                "simulation polltarget 8 %s seed %d: within 100 us at %.0f s; RMS error over the next hour %.2f us"
                        + " (max %.2f us); polls %s%n",
                model,
                seed,
                r.convergedAt(),
                r.rmsHour() * 1e6,
                r.maxHour() * 1e6,
                r.polls());
        assertTrue(r.convergedAt() <= 30 * 60, "converged at " + r.convergedAt());
        assertTrue(r.rmsHour() < 50e-6, "RMS " + r.rmsHour());
        assertEquals('x', r.reports().get(3).state().symbol(), r.reports().toString());
    }
}
