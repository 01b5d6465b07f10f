package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.ntp.LeapIndicator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Selection with chrony's rules, over sources whose statistics are filled directly. */
class SourceSelectorTest {
    static final long T0 = SourceStatsTest.T0;
    static final long S = SourceStatsTest.S;

    /**
     * A reachable stratum-1 source whose eight samples say {@code offset}, with a root distance of
     * about halfWidth.
     */
    static Source source(String name, double offset, double halfWidth, double jitter, long seed) {
        Source s =
                new Source(
                        name,
                        name.hashCode(),
                        SourceReport.MODE_SERVER,
                        new SourceStats(-1, -1, SourceStatsTest.PRECISION));
        Random r = new Random(seed);
        for (int i = 0; i < 8; i++) {
            s.updateReachability(true);
            s.accumulate(
                    Sample.direct(
                            T0 + i * 64 * S,
                            offset + jitter * r.nextGaussian(),
                            2 * halfWidth,
                            1e-6));
        }
        s.updateStatus(1, LeapIndicator.NO_WARNING);
        return s;
    }

    static String states(List<Source> sources) {
        StringBuilder sb = new StringBuilder();
        sources.forEach(s -> sb.append(s.state().symbol()));
        return sb.toString();
    }

    static final long NOW = T0 + 7 * 64 * S;

    @Test
    void theLiarIsAFalsetickerAndTheRestAreCombined() {
        List<Source> all =
                List.of(
                        source("a", 0, 1e-3, 20e-6, 1),
                        source("b", 0.0002, 1e-3, 20e-6, 2),
                        source("c", -0.0001, 1e-3, 20e-6, 3),
                        source("d", 0.05, 1e-3, 20e-6, 4));
        var selector = new SourceSelector(SelectOptions.DEFAULTS);
        var out =
                assertInstanceOf(
                        SourceSelector.Outcome.Update.class, selector.select(all, NOW, all.get(0)));
        assertEquals(1, states(all).chars().filter(c -> c == '*').count(), states(all));
        assertEquals('x', all.get(3).state().symbol());
        assertEquals(3, out.combined());
        assertTrue(
                Math.abs(out.estimate().offset() - 0.0000333) < 3e-5,
                "combined " + out.estimate().offset());
    }

    @Test
    void withoutAMajorityNothingIsSelectedAndAllAreFalsetickers() {
        List<Source> all =
                List.of(
                        source("a", 0, 1e-3, 1e-6, 1),
                        source("b", 0.05, 1e-3, 1e-6, 2),
                        source("c", 0.1, 1e-3, 1e-6, 3),
                        source("d", 0.15, 1e-3, 1e-6, 4));
        var o = new SourceSelector(SelectOptions.DEFAULTS).select(all, NOW, all.get(0));
        var u = assertInstanceOf(SourceSelector.Outcome.Unsynchronised.class, o);
        assertTrue(u.reason().startsWith("Can't synchronise: no majority"), u.reason());
        assertEquals("xxxx", states(all));
    }

    @Test
    void jitteryDistantAndUnsynchronisedSourcesAreLeftOut() {
        Source ok = source("a", 0, 1e-3, 1e-6, 1);
        Source jittery = source("b", 0, 1e-3, 2.0, 2);
        Source far = source("c", 0, 4.0, 1e-6, 3);
        Source unsync = source("d", 0, 1e-3, 1e-6, 4);
        unsync.updateStatus(1, LeapIndicator.UNSYNCHRONIZED);
        List<Source> all = List.of(ok, jittery, far, unsync);
        new SourceSelector(SelectOptions.DEFAULTS).select(all, NOW, ok);
        assertEquals("*~??", states(all));
        assertEquals(Source.SelectStatus.BAD_DISTANCE, far.status());
    }

    @Test
    void theSelectedSourceStaysUntilAnotherIsClearlyBetter() {
        Source a = source("a", 0, 1.0e-3, 1e-6, 1);
        Source b = source("b", 0, 0.9e-3, 1e-6, 2);
        List<Source> all = List.of(a, b);
        var selector = new SourceSelector(SelectOptions.DEFAULTS);
        selector.select(all, NOW, a);
        Source first = selector.selected();
        assertSame(b, first, "the closer source first");
        // a turns a little better: its score must pass SCORE_LIMIT before it takes over
        int switched = -1;
        for (int i = 0; i < 200 && switched < 0; i++) {
            long t = NOW + (i + 1) * 64 * S;
            a.accumulate(Sample.direct(t, 0, 1.4e-3, 1e-6));
            selector.select(all, t, a);
            b.accumulate(Sample.direct(t + S, 0, 1.8e-3, 1e-6));
            selector.select(all, t + S, b);
            if (selector.selected() == a) {
                switched = i;
            }
        }
        assertTrue(switched > 3, "switched after " + switched + " rounds, not at once");
        Source c = source("c", 0, 0.94e-3, 1e-6, 3);
        Source d = source("d", 0, 0.9e-3, 1e-6, 4);
        var hysteresis = new SourceSelector(SelectOptions.DEFAULTS);
        hysteresis.select(List.of(c, d), NOW, c);
        assertSame(d, hysteresis.selected());
        for (int i = 0; i < 200; i++) {
            long t = NOW + (i + 1) * 64 * S;
            c.accumulate(Sample.direct(t, 0, 1.76e-3, 1e-6)); // better by less than reselectdist
            hysteresis.select(List.of(c, d), t, c);
            d.accumulate(Sample.direct(t + S, 0, 1.8e-3, 1e-6));
            hysteresis.select(List.of(c, d), t + S, d);
        }
        assertSame(d, hysteresis.selected(), "within reselectdist the choice does not flap");
    }

    @Test
    void aNewlySelectedSourceWaitsForANewSample() {
        Source a = source("a", 0, 1e-3, 1e-6, 1);
        a.clearUpdates();
        var o = new SourceSelector(SelectOptions.DEFAULTS).select(List.of(a), NOW, null);
        assertInstanceOf(SourceSelector.Outcome.Unsynchronised.class, o);
        assertNull(((SourceSelector.Outcome.Unsynchronised) o).reason());
        assertEquals(Source.SelectStatus.WAITS_UPDATE, a.status());
    }

    /** Whatever the offsets, no source outside the majority's interval is selected or combined. */
    @Property(tries = 300)
    void survivorsAgreeWithTheIntersection(
            @ForAll @IntRange(min = 1, max = 7) int n,
            @ForAll @DoubleRange(min = -0.01, max = 0.01) double spread,
            @ForAll @IntRange(min = 0, max = 1000) int seed) {
        Random r = new Random(seed);
        List<Source> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(
                    source(
                            "s" + i,
                            spread * r.nextGaussian(),
                            1e-4 + r.nextDouble() * 5e-3,
                            1e-6,
                            seed * 10L + i));
        }
        var o = new SourceSelector(SelectOptions.DEFAULTS).select(all, NOW, all.getFirst());
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            var d = all.get(i).stats().selectionData(NOW, 1.0);
            lo[i] = d.offset() - d.rootDistance();
            hi[i] = d.offset() + d.rootDistance();
        }
        var best = Intersection.find(lo, hi).orElseThrow();
        for (int i = 0; i < n; i++) {
            SourceState s = all.get(i).state();
            boolean used = s == SourceState.SELECTED || s == SourceState.COMBINED;
            if (used) {
                assertTrue(
                        best.admits(lo[i], hi[i]), "a used source lies outside the intersection");
            }
        }
        if (o instanceof SourceSelector.Outcome.Update u) {
            assertTrue(best.majorityOf(n));
            assertTrue(
                    u.estimate().offset() >= best.lo() - 0.02
                            && u.estimate().offset() <= best.hi() + 0.02);
        }
    }
}
