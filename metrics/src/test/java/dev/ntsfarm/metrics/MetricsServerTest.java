package dev.ntsfarm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.ntp.DropReason;
import dev.ntsfarm.core.ntp.NakReason;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.testsupport.StrictExposition;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MetricsServerTest {

    private Vertx vertx;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static MetricsOptions ephemeral() {
        return MetricsOptions.defaults().withPort(0);
    }

    @Test
    void everyServerstatsCounterIsAFamilyAndMovesWithTheStats() throws Exception {
        ServerStats stats = new ServerStats();
        ProcessMetrics m = new ProcessMetrics("test", ephemeral());
        LongConsumer sessions =
                FarmMetrics.register(
                        m,
                        new FarmMetrics.Sources(
                                stats,
                                () -> 3,
                                new FarmMetrics.KeyRingView() {
                                    @Override
                                    public long currentSlot() {
                                        return 42;
                                    }

                                    @Override
                                    public double currentSlotAgeSeconds() {
                                        return 12.5;
                                    }

                                    @Override
                                    public int slotsHeld() {
                                        return 3;
                                    }
                                },
                                () -> 7,
                                () -> 2));
        MetricsServer server = new MetricsServer(vertx, ephemeral(), m);
        int port = await(server.start());
        assertTrue(port > 0);

        stats.add(ServerCounter.NTP_PACKETS_RECEIVED, 10);
        stats.add(ServerCounter.AUTHENTICATED_NTP_PACKETS, 6);
        stats.increment(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED);
        stats.drop(DropReason.MALFORMED);
        stats.drop(DropReason.MALFORMED);
        stats.nak(NakReason.COOKIE_NOT_OPENED);
        sessions.accept(1_500_000); // 1.5 ms
        sessions.accept(3_000_000_000L); // past the last bucket

        HttpResponse<String> r = get(port, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(
                r.headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        Map<String, StrictExposition.Family> f = StrictExposition.parse(r.body());
        for (ServerCounter c : ServerCounter.values()) {
            StrictExposition.Family fam = f.get(FarmMetrics.familyName(c));
            assertTrue(fam != null, c + " in\n" + r.body());
            assertEquals(FarmMetrics.isCounter(c) ? "counter" : "gauge", fam.type(), c.toString());
            assertEquals(stats.get(c), fam.value(), c.toString());
        }
        assertEquals(10, f.get("ntp_server_received_packets_total").value());
        assertEquals(6, f.get("ntp_server_authenticated_packets_total").value());
        assertEquals(1, f.get("nts_ke_accepted_connections_total").value());
        StrictExposition.Family h = f.get("nts_ke_session_seconds");
        assertEquals("histogram", h.type());
        assertEquals(2, h.value("nts_ke_session_seconds_count", Map.of()));
        assertEquals(1, h.value("nts_ke_session_seconds_bucket", Map.of("le", "0.0025")));
        assertEquals(1, h.value("nts_ke_session_seconds_bucket", Map.of("le", "2.5")));
        assertEquals(2, h.value("nts_ke_session_seconds_bucket", Map.of("le", "+Inf")));
        assertEquals(3.0015, h.value("nts_ke_session_seconds_sum", Map.of()), 1e-9);
        StrictExposition.Family drops = f.get("ntp_server_dropped_by_reason_packets_total");
        assertEquals("counter", drops.type());
        assertEquals(
                DropReason.values().length, drops.samples().size(), "every reason, zero or not");
        assertEquals(
                2,
                drops.value(
                        "ntp_server_dropped_by_reason_packets_total",
                        Map.of("reason", "malformed")));
        StrictExposition.Family naks = f.get("ntp_server_nts_nak_by_reason_packets_total");
        assertEquals(
                1,
                naks.value(
                        "ntp_server_nts_nak_by_reason_packets_total",
                        Map.of("reason", "cookie_not_opened")));
        assertEquals(42, f.get("nts_key_ring_current_slot").value());
        assertEquals(12.5, f.get("nts_key_ring_current_slot_age_seconds").value());
        assertEquals(3, f.get("nts_key_ring_slots").value());
        assertEquals(7, f.get("nts_key_ring_damaged_entries_total").value());
        assertEquals(2, f.get("ntsfarm_cluster_members").value());
        assertEquals(3, f.get("nts_ke_open_sessions").value());

        stats.add(ServerCounter.NTP_PACKETS_RECEIVED, 5);
        assertEquals(
                15,
                StrictExposition.parse(get(port, "/metrics").body())
                        .get("ntp_server_received_packets_total")
                        .value());
        await(server.stop());
    }

    @Test
    void statusPageAndOtherPaths() throws Exception {
        ProcessMetrics m = new ProcessMetrics("ntsfarm <test>", ephemeral());
        FarmMetrics.register(m, new FarmMetrics.Sources(new ServerStats(), null, null, null, null));
        MetricsServer server = new MetricsServer(vertx, ephemeral(), m);
        int port = await(server.start());
        HttpResponse<String> page = get(port, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<title>ntsfarm &lt;test&gt;</title>"), page.body());
        for (String id :
                List.of("ntp-requests", "nts-share", "naks", "ke-sessions", "ke-latency")) {
            assertTrue(page.body().contains("id=\"" + id + "\""), id);
        }
        assertFalse(
                page.body().contains("http://")
                        && page.body()
                                .replace("http://www.w3.org/2000/svg", "")
                                .contains("http://"),
                "no external asset");
        assertEquals(404, get(port, "/nothing").statusCode());
        HttpResponse<String> post =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        await(server.stop());
    }

    @Test
    void aBusyDefaultPortIsAWarningAndAConfiguredOneAFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int busy = taken.getLocalPort();
            ProcessMetrics m = new ProcessMetrics("test", ephemeral());
            MetricsOptions unconfigured =
                    new MetricsOptions(
                            busy,
                            false,
                            List.of("127.0.0.1"),
                            MetricsOptions.DEFAULT_HISTORY_INTERVAL);
            MetricsServer quiet = new MetricsServer(vertx, unconfigured, m);
            assertEquals(-1, await(quiet.start()));
            assertTrue(
                    quiet.notServing().contains("port " + busy + " is in use"), quiet.notServing());
            await(quiet.stop());

            MetricsServer loud = new MetricsServer(vertx, unconfigured.withPort(busy), m);
            ExecutionException e =
                    assertThrows(ExecutionException.class, () -> await(loud.start()));
            assertTrue(
                    e.getCause()
                            .getMessage()
                            .contains("metrics could not listen on 127.0.0.1 port " + busy),
                    e.getCause().getMessage());
        }
    }

    @Test
    void directivesAreReadWithFileAndLineOnMistakes() throws Exception {
        MetricsOptions o =
                MetricsOptions.fromConfig(
                        config(
                                "metricsport 0\nbindmetricsaddress ::1\nbindmetricsaddress 127.0.0.2\n"));
        assertEquals(0, o.port());
        assertTrue(o.portGiven());
        assertEquals(List.of("::1", "127.0.0.2"), o.addresses());
        MetricsOptions d = MetricsOptions.fromConfig(config(""));
        assertEquals(9975, d.port());
        assertFalse(d.portGiven());
        assertEquals(List.of("127.0.0.1", "::1"), d.addresses());
        assertEquals(361, d.historySamples());
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> MetricsOptions.fromConfig(config("\nmetricsport 70000\n")));
        assertTrue(
                e.getMessage().startsWith("m.conf:2: metricsport: expected a port number"),
                e.getMessage());
        e =
                assertThrows(
                        ConfigException.class,
                        () -> MetricsOptions.fromConfig(config("bindmetricsaddress localhost\n")));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "m.conf:1: bindmetricsaddress: expected an IPv4 or IPv6 address"),
                e.getMessage());
    }

    private static Config config(String text) {
        return switch (Config.parse("m.conf", text)) {
            case ConfigResult.Parsed p -> p.config();
            case ConfigResult.Invalid i -> throw new AssertionError(i.errors().toString());
        };
    }
}
