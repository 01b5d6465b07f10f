package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** chrony's sample statistics: regression, runs test, the small-maxsamples case, corrections. */
class SourceStatsTest {
    static final long T0 = 1_795_314_696_000_000_000L;
    static final long S = 1_000_000_000L;
    static final double PRECISION = Math.scalb(1.0, -24);

    static Sample at(long seconds, double offset) {
        return Sample.direct(T0 + seconds * S, offset, 1e-3, 1e-6);
    }

    @Test
    void fewerThanThreeSamplesGiveWorstCaseBoundsAndNoSelection() {
        SourceStats st = new SourceStats(-1, -1, PRECISION);
        st.accumulate(at(0, 0.01));
        st.accumulate(at(64, 0.01));
        assertFalse(st.regressionOk());
        assertEquals(SourceStats.WORST_CASE_SKEW, st.skew());
        assertNull(st.selectionData(T0 + 64 * S, 1.0), "two samples select nothing");
        assertEquals(0.01, st.predictOffset(T0 + 100 * S), "the newest sample predicts");
        st.accumulate(at(128, 0.01));
        assertTrue(st.regressionOk());
        assertNotNull(st.selectionData(T0 + 128 * S, 1.0));
    }

    @Test
    void maxsamplesOneSelectsAtOnceWithMaxjitter() {
        SourceStats st = new SourceStats(-1, 1, PRECISION);
        st.accumulate(at(0, 0.02));
        SourceStats.SelectionData d = st.selectionData(T0, 0.5);
        assertNotNull(d, "chronyd -Q with maxsamples 1 decides on one sample");
        assertEquals(0.5, d.stdDev());
        assertEquals(0.02, d.offset(), 1e-12);
        st.accumulate(at(2, 0.03));
        assertEquals(1, st.samples());
    }

    @Test
    void recoversALineExactly() {
        SourceStats st = new SourceStats(-1, -1, PRECISION);
        for (int i = 0; i < 10; i++) {
            st.accumulate(at(i * 64L, 1e-3 + 2e-6 * i * 64));
        }
        SourceStats.TrackingData t = st.trackingData();
        assertEquals(1e-3 + 2e-6 * 576, t.offset(), 1e-9);
        assertEquals(2e-6, t.slope(), 1e-11);
        assertEquals(1e-3 + 2e-6 * 640, st.predictOffset(T0 + 640 * S), 1e-9);
        SourceStatsReport r = st.report("a", T0 + 576 * S);
        assertTrue(
                r.samples() >= SourceStats.DEFAULT_MIN_SAMPLES,
                "a line's rounding may look like a trend, never below minsamples");
        assertEquals(
                -2.0,
                r.frequencyPpm(),
                1e-5,
                "chronyc: the local clock is slow against the source");
    }

    @Test
    void aCorrectionMovesTheSamplesWithTheClock() {
        SourceStats st = new SourceStats(-1, -1, PRECISION);
        for (int i = 0; i < 8; i++) {
            st.accumulate(at(i * 64L, 0.005 + 1e-6 * i * 64));
        }
        long when = T0 + 7 * 64 * S;
        double offset = st.predictOffset(when);
        st.slew(when, offset, 1e-6);
        assertEquals(
                0.0,
                st.predictOffset(when + offset > 0 ? when + Math.round(offset * 1e9) : when),
                1e-9);
        assertEquals(0.0, st.slope(), 1e-12, "the frequency was corrected too");
        assertEquals(
                0.005 + 1e-6 * 448,
                st.lastSample().originalOffset(),
                1e-12,
                "as measured stays as measured");
    }

    @Test
    void measuresJitterAndKeepsAtMostMaxsamples() {
        SourceStats st = new SourceStats(-1, 16, PRECISION);
        Random r = new Random(5);
        for (int i = 0; i < 100; i++) {
            st.accumulate(at(i * 64L, 50e-6 * r.nextGaussian()));
        }
        assertTrue(st.samples() <= 16);
        assertTrue(st.stdDev() > 25e-6 && st.stdDev() < 100e-6, "stddev " + st.stdDev());
        assertTrue(Math.abs(st.slope()) < 1e-6);
    }

    @Test
    void aFrequencyChangeTrimsTheOldSamples() {
        SourceStats st = new SourceStats(-1, -1, PRECISION);
        Random r = new Random(6);
        for (int i = 0; i < 40; i++) {
            st.accumulate(at(i * 64L, 5e-6 * r.nextGaussian()));
        }
        for (int i = 40; i < 60; i++) {
            st.accumulate(at(i * 64L, 10e-6 * (i - 40) * 64 + 5e-6 * r.nextGaussian()));
        }
        assertTrue(st.samples() < 40, "samples " + st.samples());
        assertEquals(10e-6, st.slope(), 1e-6);
    }

    @Test
    void anOutOfOrderSampleStartsAFreshHistory() {
        SourceStats st = new SourceStats(-1, -1, PRECISION);
        st.accumulate(at(64, 0.0));
        st.accumulate(at(128, 0.0));
        st.accumulate(at(100, 0.0));
        assertEquals(1, st.samples());
    }

    @Test
    void theRunsTestsCriticalValuesMatchTheBinomialTable() {
        assertEquals(0, SourceStats.criticalRuns(8), "short windows always pass");
        assertEquals(2, SourceStats.criticalRuns(9));
        assertEquals(3, SourceStats.criticalRuns(10));
        assertEquals(11, SourceStats.criticalRuns(30));
        assertEquals(15, SourceStats.criticalRuns(40));
        assertEquals(42, SourceStats.criticalRuns(100));
    }

    @Test
    void theDelayTestsWaitForSixSamples() {
        SourceStats st = new SourceStats(-1, -1, PRECISION);
        for (int i = 0; i < 5; i++) {
            st.accumulate(at(i * 64L, 0.0));
            assertNull(st.delayTestData(T0 + (i + 1) * 64 * S));
        }
        st.accumulate(at(5 * 64L, 0.0));
        assertEquals(1e-3, st.delayTestData(T0 + 6 * 64 * S).minDelay());
    }
}
