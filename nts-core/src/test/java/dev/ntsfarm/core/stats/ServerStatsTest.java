package dev.ntsfarm.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ServerStatsTest {

    @Test
    void countsEachCounterApart() {
        ServerStats stats = new ServerStats();
        stats.increment(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED);
        stats.add(ServerCounter.AUTHENTICATED_NTP_PACKETS, 5);
        assertEquals(1, stats.get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED));
        assertEquals(5, stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS));
        assertEquals(0, stats.get(ServerCounter.NTP_PACKETS_DROPPED));
        assertEquals(ServerCounter.values().length, stats.snapshot().size());
    }

    @Test
    @Timeout(10)
    void losesNoIncrementAcrossThreads() throws InterruptedException {
        ServerStats stats = new ServerStats();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(
                    () -> {
                        for (int i = 0; i < 100_000; i++) {
                            stats.increment(ServerCounter.NTP_PACKETS_RECEIVED);
                        }
                    });
        }
        pool.shutdown();
        assertEquals(true, pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(400_000, stats.get(ServerCounter.NTP_PACKETS_RECEIVED));
    }

    @Test
    void labelsAreChronycs() {
        assertEquals(
                "NTS-KE connections accepted", ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED.label());
        assertEquals("Authenticated NTP packets", ServerCounter.AUTHENTICATED_NTP_PACKETS.label());
    }
}
