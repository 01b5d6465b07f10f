package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClockFilterTest {
    private static final long T0 = 1_795_314_696_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private static Sample at(double seconds, double offset) {
        return Sample.direct(T0 + Math.round(seconds * SECOND), offset, 1e-3, 1e-6);
    }

    @Test
    void fewerThanThreeSamplesGiveWorstCaseBounds() {
        var f = new ClockFilter();
        SourceEstimate e = f.add(at(0, 0.01));
        assertFalse(e.regressionOk());
        assertEquals(ClockFilter.WORST_CASE_SKEW, e.skew());
        assertEquals(0.01, e.offset());
        assertFalse(f.add(at(64, 0.01)).regressionOk());
        assertTrue(f.add(at(128, 0.01)).regressionOk());
    }

    @Test
    void recoversALineExactly() {
        var f = new ClockFilter();
        SourceEstimate e = null;
        for (int i = 0; i < 10; i++) {
            e = f.add(at(64 * i, 1e-3 + 2e-6 * 64 * i));
        }
        assertEquals(1e-3 + 2e-6 * 576, e.offset(), 1e-12);
        assertEquals(2e-6, e.slope(), 1e-12);
        assertEquals(ClockFilter.MIN_STD_DEV, e.stdDev(), 1e-12);
        assertEquals(576.0, e.span(), 1e-9);
        assertEquals(1e-3 + 2e-6 * 640, e.estimatedOffsetAt(T0 + 640 * SECOND), 1e-12);
    }

    @Test
    void correctionMovesTheSamplesWithTheClock() {
        var f = new ClockFilter();
        for (int i = 0; i < 10; i++) {
            f.add(at(64 * i, 1e-3 + 2e-6 * 64 * i));
        }
        SourceEstimate before = f.estimate().orElseThrow();
        f.correct(before.refTime(), before.offset(), before.slope());
        SourceEstimate after = f.estimate().orElseThrow();
        assertEquals(0.0, after.offset(), 1e-12);
        assertEquals(0.0, after.slope(), 1e-12);
        assertEquals(before.lastOriginalOffset(), after.lastOriginalOffset(), "as measured stays as measured");
    }

    @Test
    void keepsAtMostMaxSamplesAndMeasuresJitter() {
        var f = new ClockFilter(16);
        var random = new Random(7);
        for (int i = 0; i < 40; i++) {
            f.add(at(16 * i, 50e-6 * random.nextGaussian()));
        }
        SourceEstimate e = f.estimate().orElseThrow();
        assertTrue(f.samples() <= 16);
        assertTrue(e.stdDev() > 25e-6 && e.stdDev() < 100e-6, "stddev " + e.stdDev());
        assertTrue(Math.abs(e.slope()) < 1e-6);
        assertTrue(e.skew() > Math.abs(e.slope()) / 10);
    }

    @Test
    void aFrequencyChangeTrimsTheOldSamples() {
        var f = new ClockFilter();
        for (int i = 0; i < 30; i++) {
            f.add(at(16 * i, 0.0));
        }
        double t = 16 * 29;
        for (int i = 1; i <= 30; i++) {
            f.add(at(t + 16 * i, 10e-6 * 16 * i));
        }
        SourceEstimate e = f.estimate().orElseThrow();
        assertTrue(f.samples() < 60, "samples " + f.samples());
        assertEquals(10e-6, e.slope(), 1e-6);
    }

    @Test
    void outOfOrderSamplesAreIgnored() {
        var f = new ClockFilter();
        f.add(at(64, 0.0));
        f.add(at(0, 1.0));
        assertEquals(1, f.samples());
    }
}
