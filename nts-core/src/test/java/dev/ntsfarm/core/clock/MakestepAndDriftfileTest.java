package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.clock.sim.SimulatedClock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class MakestepAndDriftfileTest {
    private static final long NOW = 1_795_314_696_000_000_000L;

    @Test
    void stepsOnlyAboveTheThresholdInTheFirstUpdates() {
        var m = new Makestep(1.0, 3);
        assertTrue(m.steps(0, 1.5));
        assertTrue(m.steps(2, -1.5));
        assertFalse(m.steps(3, 1.5), "the fourth update slews");
        assertFalse(m.steps(0, 1.0), "at the threshold it slews");
        var always = new Makestep(0.1, -1);
        assertTrue(always.steps(1_000_000, 0.2));
        assertFalse(Makestep.NEVER.steps(0, 1000));
    }

    @Test
    void disciplineStepsTheWholeErrorAndCancelsThePendingSlew() {
        var clock = new SimulatedClock(NOW, 0.0, 0.0);
        clock.slewOffset(0.25);
        var d = Discipline.withoutDriftfile(new Makestep(1.0, 1));
        var ref = new Discipline.Reference(1, "a", 1, 1e-3, 1e-5, LeapStatus.NORMAL);
        Correction c = d.update(NOW, new Selection.Combined(NOW, 2.0, 1e-5, 0, 1e-9, 1e-9, 1), clock.pendingSlew(), ref);
        assertEquals(2.25, c.step(), 1e-12);
        assertEquals(-0.25, c.slew(), 1e-12);
        c.applyTo(clock);
        assertEquals(2.25, clock.offset(), 1e-12);
        assertEquals(0.0, clock.pendingSlew(), 1e-12);
        Correction later = d.update(NOW + 64_000_000_000L, new Selection.Combined(NOW + 64_000_000_000L, 2.0, 1e-5, 0, 1e-9, 1e-9, 1), 0.0, ref);
        assertEquals(0.0, later.step(), "after LIMIT updates the discipline slews");
        assertEquals(2.0, later.slew(), 1e-12);
        assertEquals(2, d.tracking().stratum());
        assertEquals(-2.0, d.tracking().lastOffset(), 1e-12, "chronyc: positive when the clock was ahead");
    }

    @Test
    void simulatedClockSlewsAt500ppm() {
        var clock = new SimulatedClock(NOW, 0.0, 0.0);
        clock.slewOffset(1e-3);
        clock.advance(1_000_000_000L);
        assertEquals(500e-6, clock.offset(), 1e-12);
        clock.advance(10_000_000_000L);
        assertEquals(1e-3, clock.offset(), 1e-12);
        assertEquals(0.0, clock.pendingSlew(), 1e-15);
    }

    @Test
    void driftfileHasChronysFormat() {
        assertEquals("           -9.123456             0.042000\n", Driftfile.format(-9.123456, 0.042));
        assertEquals(new Driftfile.Valid(-9.123456, 0.042), Driftfile.parse("           -9.123456             0.042000\n"));
        assertEquals(new Driftfile.Valid(12.5, 1.0), Driftfile.parse("12.5 1"));
        assertEquals(new Driftfile.Valid(1.0, Driftfile.MIN_SKEW_PPM), Driftfile.parse("1 0"));
        assertInstanceOf(Driftfile.Invalid.class, Driftfile.parse(""));
        assertInstanceOf(Driftfile.Invalid.class, Driftfile.parse("12.5"));
        assertInstanceOf(Driftfile.Invalid.class, Driftfile.parse("NaN 1"));
        assertInstanceOf(Driftfile.Invalid.class, Driftfile.parse("ten 1"));
        assertInstanceOf(Driftfile.Invalid.class, Driftfile.parse(null));
    }

    @Test
    void disciplineStartsFromTheDriftfile() {
        var d = Discipline.from(Makestep.NEVER, Driftfile.parse("  -12.000000  0.500000\n"));
        assertEquals(-12.0, d.frequencyPpm());
        assertEquals(0.5, d.skewPpm(), 1e-12);
        assertEquals(Driftfile.format(-12.0, 0.5), d.driftfile());
    }

    @Property
    void driftfileRoundTrip(@ForAll @DoubleRange(min = -500, max = 500) @Scale(9) double freq,
                            @ForAll @DoubleRange(min = 0.000001, max = 1000) @Scale(9) double skew) {
        var parsed = (Driftfile.Valid) Driftfile.parse(Driftfile.format(freq, skew));
        assertEquals(freq, parsed.frequencyPpm(), 0.5e-6 + 1e-12);
        assertEquals(skew, parsed.skewPpm(), 0.5e-6 + 1e-12);
    }
}
