package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;

/** Selection never picks or combines a source whose interval disagrees with the intersection. */
class SelectionPropertiesTest {
    private static final long NOW = 1_795_314_696_000_000_000L;

    @Property
    void survivorsAgreeWithTheIntersection(
            @ForAll @Size(min = 1, max = 9) List<@DoubleRange(min = -0.1, max = 0.1) @Scale(6) Double> offsets,
            @ForAll @Size(min = 9, max = 9) List<@DoubleRange(min = 1e-5, max = 0.05) @Scale(6) Double> halfWidths) {
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < offsets.size(); i++) {
            candidates.add(new Candidate(1, new Reach(0377), LeapStatus.NORMAL,
                    IntersectionTest.estimate(offsets.get(i), halfWidths.get(i), 1e-5)));
        }
        Selection s = Selection.select(candidates, NOW, -1, SelectOptions.DEFAULTS);
        int agreeing = 0;
        for (int i = 0; i < candidates.size(); i++) {
            SourceEstimate e = candidates.get(i).estimate();
            double lo = e.offsetAt(NOW) - e.distanceAt(NOW);
            double hi = e.offsetAt(NOW) + e.distanceAt(NOW);
            SourceState state = s.state(i);
            boolean used = state == SourceState.SELECTED || state == SourceState.COMBINED
                    || state == SourceState.NOT_COMBINED;
            if (used) {
                agreeing++;
                assertTrue(s.interval().admits(lo, hi), "a used source lies outside the intersection");
            } else {
                assertEquals(SourceState.FALSETICKER, state);
            }
        }
        if (s.synchronised()) {
            assertTrue(s.interval().majorityOf(candidates.size()));
            assertTrue(agreeing >= 1);
            assertEquals(SourceState.SELECTED, s.state(s.selected()));
            double lo = s.interval().lo() - 0.1;
            double hi = s.interval().hi() + 0.1;
            assertTrue(s.combined().offset() >= lo && s.combined().offset() <= hi);
        } else {
            assertTrue(agreeing == 0);
        }
    }
}
