package dev.ntsfarm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryAndPlotTest {

    @Test
    void theRingKeepsTheNewestSamplesOldestFirst() {
        AtomicLong c = new AtomicLong();
        History h = new History(3).track("c", c::get);
        for (int i = 0; i < 5; i++) {
            c.set(i * 10);
            h.sample(1000L * i);
        }
        History.Samples s = h.samples();
        assertArrayEquals(new long[] {2000, 3000, 4000}, s.times());
        assertArrayEquals(new double[] {20, 30, 40}, s.of("c"));
        assertTrue(Double.isNaN(s.of("absent")[0]));
    }

    @Test
    void linesDeriveRatesSharesMeansAndValues() {
        AtomicLong all = new AtomicLong();
        AtomicLong nts = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        AtomicLong count = new AtomicLong();
        History h =
                new History(10)
                        .track("all", all::get)
                        .track("nts", nts::get)
                        .track("sum", sum::get)
                        .track("count", count::get);
        h.sample(0);
        all.set(100);
        nts.set(25);
        sum.set(3);
        count.set(2);
        h.sample(2000);
        all.set(50); // a restart of the counter: no rate for that interval
        h.sample(4000);
        History.Samples s = h.samples();
        double[] rate = new Plot.Line.Rate("r", "all").points(s);
        assertEquals(2, rate.length);
        assertEquals(50.0, rate[0]);
        assertTrue(Double.isNaN(rate[1]));
        assertEquals(25.0, new Plot.Line.Share("s", "nts", "all").points(s)[0]);
        assertEquals(1500.0, new Plot.Line.Mean("m", "sum", "count", 1000).points(s)[0]);
        assertTrue(Double.isNaN(new Plot.Line.Mean("m", "sum", "count", 1000).points(s)[1]));
        assertArrayEquals(new double[] {200, 100}, new Plot.Line.Value("v", "all", 2).points(s));
    }

    @Test
    void aFailingSourceLeavesAGap() {
        History h =
                new History(2)
                        .track(
                                "bad",
                                () -> {
                                    throw new IllegalStateException("not now");
                                });
        h.sample(1);
        assertTrue(Double.isNaN(h.samples().of("bad")[0]));
    }
}
