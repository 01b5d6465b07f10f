package dev.ntsfarm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.testsupport.HeadlessChromium;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real headless Chromium: its script runs and draws every plot from the
 * history.
 */
@Timeout(120)
class StatusPageChromiumTest {

    @TempDir Path dir;

    /**
     * The number in {@code attribute="N"} of the element with {@code id}, as the browser left it.
     */
    static double attribute(String dom, String id, String attribute) {
        Matcher m =
                Pattern.compile("<figure[^>]*id=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(dom);
        assertTrue(m.find(), id + " in\n" + dom);
        Matcher a = Pattern.compile(attribute + "=\"([0-9.eE+-]+)\"").matcher(m.group());
        assertTrue(a.find(), attribute + " on " + m.group());
        return Double.parseDouble(a.group(1));
    }

    @Test
    void everyPlotIsDrawnAndTheRequestPlotShowsTheTraffic() throws Exception {
        HeadlessChromium.require();
        Vertx vertx = Vertx.vertx();
        try {
            ServerStats stats = new ServerStats();
            ProcessMetrics m =
                    new ProcessMetrics("ntsfarm test", MetricsOptions.defaults().withPort(0));
            FarmMetrics.register(m, new FarmMetrics.Sources(stats, null, null, null, null));
            long t = System.currentTimeMillis() - 60_000;
            for (int i = 0; i < 7; i++) {
                stats.add(ServerCounter.NTP_PACKETS_RECEIVED, 100);
                stats.add(ServerCounter.AUTHENTICATED_NTP_PACKETS, 40);
                m.history().sample(t + i * 10_000L);
            }
            MetricsServer server =
                    new MetricsServer(
                            vertx,
                            MetricsOptions.defaults()
                                    .withPort(0)
                                    .withHistoryInterval(java.time.Duration.ofHours(1)),
                            m);
            int port =
                    server.start()
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
            String dom = HeadlessChromium.dumpDom("http://127.0.0.1:" + port + "/", dir);
            assertTrue(dom.contains("data-rendered=\"5\""), dom);
            assertTrue(attribute(dom, "ntp-requests", "data-nonzero") >= 6, dom);
            assertEquals(10.0, attribute(dom, "ntp-requests", "data-max"), 1e-9);
            assertEquals(40.0, attribute(dom, "nts-share", "data-max"), 1e-9);
            assertTrue(dom.contains("<polyline class=\"l0\""), dom);
            Path png =
                    HeadlessChromium.screenshot("http://127.0.0.1:" + port + "/", dir, 1400, 1000);
            assertTrue(java.nio.file.Files.size(png) > 10_000, "a screenshot with content");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
