package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.clock.sim.SimulatedClock;
import dev.ntsfarm.core.clock.sim.SimulatedServer;
import dev.ntsfarm.core.clock.sim.Simulation;
import dev.ntsfarm.core.config.MakeStep;
import dev.ntsfarm.core.config.MaxChange;
import dev.ntsfarm.core.config.SourceDirective;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole core (sources, selection, discipline, slewing) against simulated servers on a simulated
 * clock.
 */
class SystemProcessTest {
    static final long START = DisciplineSimulationTest.START;

    final SimulatedClock clock = new SimulatedClock(START, 0.0, 0.0);

    SystemProcess process(
            Discipline.Mode mode, MakeStep makestep, MaxChange maxchange, SelectOptions options) {
        return new SystemProcess(
                clock,
                new Discipline(
                        mode,
                        makestep,
                        maxchange,
                        Discipline.DEFAULT_MAX_UPDATE_SKEW,
                        new Driftfile.Invalid("none")),
                options,
                DisciplineSimulationTest.seeded(11));
    }

    static SourceDirective server(String host) throws Exception {
        return NtpSourceTest.line("server " + host + " iburst");
    }

    static List<String> notices(Simulation sim) {
        return sim.log().stream()
                .filter(a -> a instanceof Action.Notice)
                .map(a -> ((Action.Notice) a).message())
                .toList();
    }

    static <T extends Action> List<T> logged(Simulation sim, Class<T> type) {
        return sim.log().stream().filter(type::isInstance).map(type::cast).toList();
    }

    Simulation serve(SystemProcess p, double... biases) throws Exception {
        Simulation sim = new Simulation(clock, p);
        for (int i = 0; i < biases.length; i++) {
            String name = "192.0.2." + (i + 1);
            NtpSource s = p.add(server(name), 0xC0000201 + i, SourceAuth.NONE);
            sim.serve(s, new SimulatedServer(name, biases[i], 20e-6, 1e-3, 1.0, 100 + i));
        }
        return sim;
    }

    @Test
    void anUpdateBeyondMaxchangeIsIgnoredThenTheAgentGivesUpAndTheClockNeverMoves()
            throws Exception {
        SystemProcess p =
                process(
                        Discipline.Mode.NORMAL,
                        new MakeStep(1.0, 3),
                        new MaxChange(100, 0, 2),
                        SelectOptions.DEFAULTS);
        Simulation sim = serve(p, 1000.0);
        sim.runUntil(600);
        List<String> n = notices(sim);
        assertTrue(
                n.stream()
                                .filter(
                                        m ->
                                                m.startsWith(
                                                        "Adjustment of 1000.000 seconds exceeds the allowed maximum"
                                                                + " of 100.000 seconds (ignored)"))
                                .count()
                        == 2,
                n.toString());
        Action.Exit exit = logged(sim, Action.Exit.class).getFirst();
        assertTrue(exit.message().endsWith("(exiting)"), exit.message());
        assertEquals(0.0, clock.offset(), 1e-9, "the clock was not moved");
        assertEquals(0, p.discipline().updates());
        assertFalse(p.discipline().synchronised());
    }

    @Test
    void makestepStepsALargeOffsetInTheFirstUpdates() throws Exception {
        SystemProcess p =
                process(Discipline.Mode.NORMAL, new MakeStep(1.0, 3), null, SelectOptions.DEFAULTS);
        Simulation sim = serve(p, 2.0, 2.0, 2.0);
        sim.runUntil(120);
        assertTrue(
                notices(sim).stream()
                        .anyMatch(m -> m.startsWith("System clock was stepped by 2.000")),
                notices(sim).toString());
        assertEquals(2.0, clock.offset(), 1e-3, "the clock now follows the servers");
    }

    @Test
    void printOnceReportsTheOffsetAndLeavesTheClockAlone() throws Exception {
        SystemProcess p = process(Discipline.Mode.PRINT_ONCE, null, null, SelectOptions.DEFAULTS);
        Simulation sim = serve(p, 0.125);
        sim.runUntil(60);
        Action.OneShotDone done = logged(sim, Action.OneShotDone.class).getFirst();
        assertNull(done.failure());
        assertEquals(0.125, done.wrongBy(), 1e-4);
        assertFalse(done.stepped());
        assertEquals(0.0, clock.offset(), 1e-12);
        assertEquals(1, logged(sim, Action.OneShotDone.class).size(), "one result");
    }

    @Test
    void updateOnceStepsWithinMaxchangeAndRefusesBeyond() throws Exception {
        SystemProcess p =
                process(
                        Discipline.Mode.UPDATE_ONCE,
                        null,
                        new MaxChange(100, 0, 0),
                        SelectOptions.DEFAULTS);
        Simulation sim = serve(p, 0.5);
        sim.runUntil(60);
        Action.OneShotDone done = logged(sim, Action.OneShotDone.class).getFirst();
        assertTrue(done.stepped(), String.valueOf(done.failure()));
        assertEquals(0.5, clock.offset(), 1e-4, "the clock was stepped forward by the offset");

        SimulatedClock other = new SimulatedClock(START, 0.0, 0.0);
        SystemProcess far =
                new SystemProcess(
                        other,
                        new Discipline(
                                Discipline.Mode.UPDATE_ONCE,
                                null,
                                new MaxChange(100, 0, 0),
                                Discipline.DEFAULT_MAX_UPDATE_SKEW,
                                new Driftfile.Invalid("none")),
                        SelectOptions.DEFAULTS,
                        DisciplineSimulationTest.seeded(3));
        Simulation farSim = new Simulation(other, far);
        farSim.serve(
                far.add(server("192.0.2.9"), 1, SourceAuth.NONE),
                new SimulatedServer("192.0.2.9", 1000.0, 20e-6, 1e-3, 1.0, 9));
        farSim.runUntil(60);
        Action.OneShotDone refused = logged(farSim, Action.OneShotDone.class).getFirst();
        assertFalse(refused.stepped());
        assertTrue(
                refused.failure().contains("beyond maxchange 100.000 seconds: not stepped"),
                refused.failure());
        assertEquals(0.0, other.offset(), 1e-12, "the clock was not moved");
    }

    @Test
    void printOnceWithoutAnAnswerEndsWithChronydsMessage() throws Exception {
        SystemProcess p = process(Discipline.Mode.PRINT_ONCE, null, null, SelectOptions.DEFAULTS);
        Simulation sim = new Simulation(clock, p);
        sim.serve(
                p.add(server("192.0.2.1"), 1, SourceAuth.NONE),
                new SimulatedServer("x", 0, 0, 1e-3, 0.0, 1));
        sim.runUntil(120);
        Action.OneShotDone done = logged(sim, Action.OneShotDone.class).getFirst();
        assertEquals("No suitable source for synchronisation", done.failure());
        assertTrue(Double.isNaN(done.wrongBy()));
    }

    @Test
    void aClockThatRefusesChangesIsReportedOnceAndPollingGoesOn() throws Exception {
        clock.refuseChanges(true);
        SystemProcess p = process(Discipline.Mode.NORMAL, null, null, SelectOptions.DEFAULTS);
        Simulation sim = new Simulation(clock, p);
        NtpSource s = p.add(server("192.0.2.1"), 1, SourceAuth.NONE);
        SimulatedServer server = new SimulatedServer("192.0.2.1", 0.01, 20e-6, 1e-3, 1.0, 1);
        sim.serve(s, server);
        sim.runUntil(600);
        List<String> refused =
                notices(sim).stream()
                        .filter(m -> m.startsWith("Could not adjust the system clock"))
                        .toList();
        assertEquals(1, refused.size(), notices(sim).toString());
        assertTrue(refused.getFirst().contains("EPERM"));
        long answered = server.answered();
        assertTrue(answered >= 8, "polled " + answered + " times");
        sim.runUntil(1200);
        assertTrue(server.answered() > answered, "still polling");
        assertEquals(0.0, clock.offset(), 1e-12);
        assertTrue(s.source().stats().samples() > 3, "samples kept coming");
    }

    @Test
    void minsourcesHoldsTheClockUntilEnoughAgree() throws Exception {
        SystemProcess p =
                process(
                        Discipline.Mode.NORMAL,
                        null,
                        null,
                        new SelectOptions(3.0, 1.0, 3.0, 1e-4, 1e-3, 2));
        Simulation sim = serve(p, 0.01);
        sim.runUntil(300);
        assertEquals(0, p.discipline().updates());
        assertEquals(SourceState.NOT_COMBINED, p.sources().getFirst().source().state());
        assertTrue(
                notices(sim).contains("Can't synchronise: not enough selectable sources"),
                notices(sim).toString());
        assertEquals(0, p.tracking().stratum());
    }

    @Test
    void theDriftfileIsSavedHourly() throws Exception {
        SystemProcess p = process(Discipline.Mode.NORMAL, null, null, SelectOptions.DEFAULTS);
        Simulation sim = serve(p, 0.0, 0.0, 0.0);
        sim.runUntil(2 * 3600 + 600);
        List<Action.SaveDriftfile> saves = logged(sim, Action.SaveDriftfile.class);
        assertTrue(saves.size() >= 1 && saves.size() <= 2, saves.size() + " saves");
        assertTrue(Driftfile.parse(saves.getLast().content()) instanceof Driftfile.Valid);
    }

    @Test
    void chronycsMakestepStepsWhatIsLeftToSlewWithinMaxchange() throws Exception {
        SystemProcess p =
                process(
                        Discipline.Mode.NORMAL,
                        null,
                        new MaxChange(0.5, 0, -1),
                        SelectOptions.DEFAULTS);
        Simulation sim = serve(p, 0.2, 0.2, 0.2);
        sim.runUntil(30);
        double left = p.tracking().systemTime();
        assertTrue(left > 0.1, "still slewing " + left);
        assertNull(p.makestep());
        assertEquals(0.0, p.tracking().systemTime(), 1e-6);
        assertEquals(0.2, clock.offset(), 0.02, "stepped by what was left");
    }

    @Test
    void frequencySlewCorrectsSlowlyWhatIsSmallAndQuicklyWhatIsLarge() throws Exception {
        SimulatedClock c = new SimulatedClock(START, 0.0, 0.0);
        FrequencySlew slew = new FrequencySlew(c);
        double t = slew.accrue(100e-6, 0.01);
        assertEquals(100.0, t, 1e-6, "rate / offset = 0.01 / 1e-4");
        c.advance(50_000_000_000L);
        assertEquals(50e-6, slew.remaining(), 1e-9);
        assertEquals(50e-6, c.offset(), 1e-9);
        FrequencySlew fast = new FrequencySlew(new SimulatedClock(START, 0.0, 0.0));
        assertEquals(
                200.0,
                fast.accrue(0.1, 0.01),
                1e-6,
                "0.1 s at the kernel's limit of 500 ppm takes 200 s");
        assertEquals(0.1, fast.takeRemaining(), 1e-9);
        assertEquals(0.0, fast.remaining(), 1e-12);
    }
}
