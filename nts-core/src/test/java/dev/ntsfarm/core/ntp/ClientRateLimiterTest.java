package dev.ntsfarm.core.ntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.RateLimit;
import dev.ntsfarm.core.ntp.ClientRateLimiter.Verdict;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {

    private static final InetAddress A = InetAddress.ofLiteral("192.0.2.1");
    private static final InetAddress B = InetAddress.ofLiteral("2001:db8::2");
    private static final long SECOND = 1_000_000_000L;

    /**
     * Random bits that are never zero: the leak never lets a request through, the KoD never fires.
     */
    private static final RandomGenerator NEVER_ZERO = () -> -1L;

    /** Random bits that are always zero: the leak always lets a limited request through. */
    private static final RandomGenerator ALWAYS_ZERO = () -> 0L;

    @Test
    void burstThenOneAnswerPerInterval() {
        // interval 3 (8 s), burst 8: chrony's defaults
        ClientRateLimiter l = ClientRateLimiter.of(RateLimit.NTP_DEFAULT, 0, 64, NEVER_ZERO, 0);
        long t = 0;
        for (int i = 0; i < 8; i++) {
            assertEquals(Verdict.PASS, l.check(A, t), "burst request " + i);
        }
        assertEquals(Verdict.DROP, l.check(A, t));
        assertEquals(Verdict.DROP, l.check(A, t + 4 * SECOND));
        assertEquals(Verdict.PASS, l.check(A, t + 8 * SECOND + SECOND / 8));
        assertEquals(Verdict.DROP, l.check(A, t + 9 * SECOND));
        // another client has its own bucket
        assertEquals(Verdict.PASS, l.check(B, t + 9 * SECOND));
    }

    @Test
    void leakAnswersLimitedRequestsAndResetsTheBucket() {
        ClientRateLimiter l = ClientRateLimiter.of(new RateLimit(3, 1, 2), 0, 64, ALWAYS_ZERO, 0);
        assertEquals(Verdict.PASS, l.check(A, 0));
        assertEquals(Verdict.PASS, l.check(A, 0)); // leaked
    }

    @Test
    void kodRateTurnsSomeDropsIntoRateKisses() {
        ClientRateLimiter l =
                ClientRateLimiter.of(new RateLimit(6, 2, 4), 1, 64, new SplittableRandom(7), 0);
        Map<Verdict, Integer> seen = new EnumMap<>(Verdict.class);
        for (int i = 0; i < 200; i++) {
            seen.merge(l.check(A, i * 1_000_000L), 1, Integer::sum);
        }
        assertTrue(seen.getOrDefault(Verdict.KOD, 0) > 40, seen.toString());
        assertTrue(seen.getOrDefault(Verdict.DROP, 0) > 40, seen.toString());
        assertTrue(seen.getOrDefault(Verdict.PASS, 0) >= 2, seen.toString());
        assertTrue(seen.getOrDefault(Verdict.PASS, 0) < 40, seen.toString());
    }

    @Test
    void withoutKodRateNoKissIsEverSent() {
        ClientRateLimiter l =
                ClientRateLimiter.of(new RateLimit(6, 2, 1), 0, 64, new SplittableRandom(3), 0);
        for (int i = 0; i < 500; i++) {
            assertTrue(l.check(A, i * 1_000_000L) != Verdict.KOD);
        }
    }

    @Test
    void fullTableReplacesTheOldestRecord() {
        ClientRateLimiter l = ClientRateLimiter.of(new RateLimit(10, 1, 4), 0, 8, NEVER_ZERO, 0);
        assertEquals(Verdict.PASS, l.check(A, 0));
        assertEquals(Verdict.DROP, l.check(A, 0));
        for (int i = 0; i < 100; i++) {
            assertEquals(
                    Verdict.PASS, l.check(InetAddress.ofLiteral("198.51.100." + i), SECOND + i));
        }
        // A's record was evicted, so it starts again with a full bucket
        assertEquals(Verdict.PASS, l.check(A, 2 * SECOND));
    }

    @Test
    void coarseIntervalsStillLimit() {
        // interval -19: 2^19 answers a second, at least a burst of 2^15 per 1/16 s
        ClientRateLimiter l = ClientRateLimiter.of(new RateLimit(-19, 1, 4), 0, 64, NEVER_ZERO, 0);
        int passed = 0;
        for (int i = 0; i < 100_000; i++) {
            if (l.check(A, 0) == Verdict.PASS) {
                passed++;
            }
        }
        assertEquals(1 << 15, passed);
    }

    @Test
    void recordsReportHitsDropsIntervalAndAgeMostRecentFirst() {
        ClientRateLimiter l = ClientRateLimiter.of(new RateLimit(10, 1, 4), 0, 64, NEVER_ZERO, 0);
        InetAddress b = InetAddress.ofLiteral("2001:db8::7");
        for (int i = 0; i < 4; i++) {
            l.check(A, i * 2 * SECOND); // every 2 s: log2 interval 1
        }
        l.check(b, 9 * SECOND);
        var records = l.records(10 * SECOND, 10);
        assertEquals(2, records.size());
        assertEquals(b, records.get(0).address(), "most recent first");
        assertEquals(1, records.get(0).hits());
        assertEquals(
                ClientRateLimiter.UNKNOWN_INTERVAL,
                records.get(0).intervalLog2(),
                "one request: no interval");
        ClientRateLimiter.ClientRecord a = records.get(1);
        assertEquals(A, a.address());
        assertEquals(4, a.hits());
        assertEquals(
                3, a.drops(), "a burst of 1 every 2^10 s: the three after the first are dropped");
        assertEquals(1, a.intervalLog2());
        assertEquals(4, a.lastSecondsAgo());
        assertEquals(1, l.records(10 * SECOND, 1).size(), "bounded by max");
    }
}
