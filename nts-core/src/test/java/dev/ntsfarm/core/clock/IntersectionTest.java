package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known cases of the intersection and of selection built on it. */
class IntersectionTest {
    private static final long NOW = 1_795_314_696_000_000_000L;

    @Test
    void allAgree() {
        var i =
                Intersection.find(new double[] {-1, -2, -0.5}, new double[] {1, 0.5, 2})
                        .orElseThrow();
        assertEquals(new Intersection.Interval(-0.5, 0.5, 3), i);
        assertTrue(i.majorityOf(3));
    }

    @Test
    void majorityWithOneLiar() {
        var i =
                Intersection.find(new double[] {-1, -0.8, -1.2, 9}, new double[] {1, 1.2, 0.8, 11})
                        .orElseThrow();
        assertEquals(new Intersection.Interval(-0.8, 0.8, 3), i);
        assertTrue(i.majorityOf(4));
        assertFalse(i.admits(9, 11));
    }

    @Test
    void noMajority() {
        var i =
                Intersection.find(new double[] {0, 10, 20, 30}, new double[] {1, 11, 21, 31})
                        .orElseThrow();
        assertEquals(1, i.depth());
        assertFalse(i.majorityOf(4));
        var two =
                Intersection.find(new double[] {0, 0.5, 10, 10.5}, new double[] {1, 1.5, 11, 11.5})
                        .orElseThrow();
        assertFalse(two.majorityOf(4), "two against two is no majority");
    }

    @Test
    void touchingIntervalsAgree() {
        var i = Intersection.find(new double[] {0, 1}, new double[] {1, 2}).orElseThrow();
        assertEquals(new Intersection.Interval(1, 1, 2), i);
    }

    /**
     * chrony's sources.c comment: a wide interval, two disjoint narrow ones, and a fourth that
     * decides.
     */
    @Test
    void chronyExamples() {
        // <----------------------->   with <--> and <--> inside: bad luck, the interval spans both
        // narrow ones ("<===========>" in chrony's comment) and all three survive.
        var first =
                Intersection.find(new double[] {0, 4, 17}, new double[] {24, 7, 20}).orElseThrow();
        assertEquals(new Intersection.Interval(4, 20, 2), first);
        assertTrue(first.admits(4, 7) && first.admits(17, 20) && first.admits(0, 24));
        // An extra source overlapping the first narrow one makes a depth of three there.
        var second =
                Intersection.find(new double[] {0, 3, 4, 17}, new double[] {24, 11, 7, 20})
                        .orElseThrow();
        assertEquals(new Intersection.Interval(4, 7, 3), second);
        assertTrue(second.majorityOf(4));
        assertFalse(second.admits(17, 20));
    }

    @Test
    void emptyInput() {
        assertTrue(Intersection.find(new double[0], new double[0]).isEmpty());
    }
}
