package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.MakeStep;
import dev.ntsfarm.core.config.MaxChange;
import dev.ntsfarm.core.ntp.LeapIndicator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

/** The discipline's rules (chrony's reference.c) and chrony's drift file. */
class DisciplineTest {
    static final long NOW = 1_795_314_696_000_000_000L;
    static final long S = 1_000_000_000L;
    static final Discipline.Reference REF = new Discipline.Reference(0x7F000001, "127.0.0.1", 1);

    static SourceStats.TrackingData estimate(long at, double offset) {
        return new SourceStats.TrackingData(at, offset, 1e-5, 0, 1e-9, 1e-9, 1e-3, 1e-5);
    }

    static Discipline discipline(MakeStep m, MaxChange c) {
        return new Discipline(
                Discipline.Mode.NORMAL,
                m,
                c,
                Discipline.DEFAULT_MAX_UPDATE_SKEW,
                new Driftfile.Invalid("none"));
    }

    static Correction correct(Discipline d, long at, double offset, double pending) {
        var decision = d.update(at, estimate(at, offset), pending, REF, LeapIndicator.NO_WARNING);
        return assertInstanceOf(Discipline.Decision.Correct.class, decision).correction();
    }

    @Test
    void makestepStepsTheWholeErrorInItsFirstUpdatesOnly() {
        Discipline d = discipline(new MakeStep(1.0, 2), null);
        Correction c = correct(d, NOW, 2.0, 0.25);
        assertEquals(2.25, c.step(), 1e-12, "the offset plus what was still to slew");
        assertEquals(-0.25, c.slew(), 1e-12, "the pending slew is cancelled");
        assertEquals(0.0, correct(d, NOW + 64 * S, 0.5, 0).step(), "below the threshold it slews");
        Correction third = correct(d, NOW + 128 * S, 2.0, 0);
        assertEquals(0.0, third.step(), "after LIMIT updates the discipline slews");
        assertEquals(2.0, third.slew(), 1e-12);
        assertEquals(2, d.trackingAt(NOW + 128 * S, 0).stratum());
        assertEquals(
                -2.0,
                d.trackingAt(NOW + 128 * S, 0).lastOffset(),
                1e-12,
                "chronyc: positive when the clock was ahead");
        assertEquals(
                0.0,
                correct(discipline(new MakeStep(0.1, -1), null), NOW, 0.2, 0).slew(),
                1e-12,
                "a negative limit steps at any update");
    }

    @Test
    void maxchangeIgnoresThenGivesUpAfterItsStart() {
        Discipline d = discipline(null, new MaxChange(1.0, 1, 1));
        correct(d, NOW, 5.0, 0); // the first update is not checked
        var ignored =
                d.update(
                        NOW + 64 * S,
                        estimate(NOW + 64 * S, 5.0),
                        0,
                        REF,
                        LeapIndicator.NO_WARNING);
        assertEquals(
                "Adjustment of 5.000 seconds exceeds the allowed maximum of 1.000 seconds (ignored)",
                assertInstanceOf(Discipline.Decision.Ignored.class, ignored).message());
        assertEquals(1, d.updates(), "an ignored update changes nothing");
        correct(d, NOW + 96 * S, 0.5, 0);
        var exit =
                d.update(
                        NOW + 128 * S,
                        estimate(NOW + 128 * S, -5.0),
                        0,
                        REF,
                        LeapIndicator.NO_WARNING);
        assertTrue(
                assertInstanceOf(Discipline.Decision.GiveUp.class, exit)
                        .message()
                        .endsWith("(exiting)"));
    }

    @Test
    void theSlewRateFollowsChronysCorrectionTimeRatio() {
        Discipline d = discipline(null, null);
        assertEquals(
                0.0,
                correct(d, NOW, 1e-4, 0).correctionRate(),
                "the first update corrects at once");
        Correction second = correct(d, NOW + 64 * S, 1e-4, 0);
        assertEquals(
                Discipline.CORRECTION_TIME_RATIO * 0.5 * 1e-5 * 64, second.correctionRate(), 1e-12);
    }

    @Test
    void oneShotModesReportTheTotalError() {
        Discipline q =
                new Discipline(
                        Discipline.Mode.UPDATE_ONCE,
                        null,
                        null,
                        Discipline.DEFAULT_MAX_UPDATE_SKEW,
                        new Driftfile.Invalid("none"));
        var one =
                assertInstanceOf(
                        Discipline.Decision.OneShot.class,
                        q.update(NOW, estimate(NOW, 0.5), 0.1, REF, LeapIndicator.NO_WARNING));
        assertEquals(0.6, one.wrongBy(), 1e-12);
        assertTrue(one.step());
    }

    @Test
    void driftfileHasChronysFormat() {
        assertEquals(
                "           -9.123456             0.042000\n", Driftfile.format(-9.123456, 0.042));
        assertEquals(
                new Driftfile.Valid(-9.123456, 0.042),
                Driftfile.parse("           -9.123456             0.042000\n"));
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
        var d =
                new Discipline(
                        Discipline.Mode.NORMAL,
                        null,
                        null,
                        Discipline.DEFAULT_MAX_UPDATE_SKEW,
                        Driftfile.parse("  -12.000000  0.500000\n"));
        assertEquals(-12.0, d.frequencyPpm());
        assertEquals(0.5, d.skewPpm(), 1e-12);
        assertEquals(Driftfile.format(-12.0, 0.5), d.driftfile());
    }

    @Property
    void driftfileRoundTrip(
            @ForAll @DoubleRange(min = -500, max = 500) @Scale(9) double freq,
            @ForAll @DoubleRange(min = 0.000001, max = 1000) @Scale(9) double skew) {
        var parsed = (Driftfile.Valid) Driftfile.parse(Driftfile.format(freq, skew));
        assertEquals(freq, parsed.frequencyPpm(), 0.5e-6 + 1e-12);
        assertEquals(skew, parsed.skewPpm(), 0.5e-6 + 1e-12);
    }
}
