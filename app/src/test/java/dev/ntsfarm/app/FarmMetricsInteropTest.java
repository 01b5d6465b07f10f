package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.HeadlessChromium;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.Requirements;
import dev.ntsfarm.testsupport.StrictExposition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After chronyd got NTS time from {@code ntsfarm up}, {@code /metrics} shows the NTS-KE session and
 * the authenticated packets in counter families, the whole exposition reads strictly, and the
 * status page, rendered by a real headless Chromium, plots the traffic.
 */
@Timeout(180)
class FarmMetricsInteropTest {

    @TempDir Path dir;
    private Chronyd chronyd;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.chronyd();
        HeadlessChromium.require();
        chronyd = Chronyd.in(dir);
    }

    @AfterEach
    void tearDown() {
        chronyd.close();
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + path))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    static double figure(String dom, String id, String attribute) {
        Matcher m = Pattern.compile("<figure[^>]*id=\"" + id + "\"[^>]*>").matcher(dom);
        assertTrue(m.find(), id + " in\n" + dom);
        Matcher a = Pattern.compile(attribute + "=\"([0-9.eE+-]+)\"").matcher(m.group());
        assertTrue(a.find(), attribute + " on " + m.group());
        return Double.parseDouble(a.group(1));
    }

    @Test
    void chronydsNtsExchangeShowsInMetricsAndOnTheStatusPage() throws Exception {
        List<String> args =
                List.of(
                        "port " + Ports.freeUdpAndTcp(),
                        "ntsport " + Ports.freeTcp(),
                        "cmdport 0",
                        "metricsport 0",
                        "ntsdumpdir " + dir.resolve("var"),
                        "cluster name metrics-" + ProcessHandle.current().pid());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] chronydOutput = new String[1];
        String[] before = new String[1];
        String[] after = new String[1];
        String[] dom = new String[1];
        int status =
                ServiceCommand.run(
                        Farm.Role.ALL_IN_ONE,
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        (farm, verification) -> {
                            int port = farm.metricsPort();
                            before[0] = get(port, "/metrics");
                            chronydOutput[0] = chronyd.shell(verification, 30);
                            after[0] = get(port, "/metrics");
                            farm.sampleHistoryNow();
                            String page = "http://127.0.0.1:" + port + "/";
                            dom[0] = HeadlessChromium.dumpDom(page, dir);
                            Path png = HeadlessChromium.screenshot(page, dir, 1400, 1100);
                            Files.createDirectories(Path.of("target"));
                            Files.copy(
                                    png,
                                    Path.of("target", "status-page.png"),
                                    StandardCopyOption.REPLACE_EXISTING);
                        });
        String banner = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8) + banner);
        assertTrue(chronydOutput[0].contains("System clock wrong by"), banner + chronydOutput[0]);
        assertTrue(banner.contains("metrics, status page"), banner);

        Map<String, StrictExposition.Family> b = StrictExposition.parse(before[0]);
        Map<String, StrictExposition.Family> a = StrictExposition.parse(after[0]);
        for (String family :
                List.of(
                        "nts_ke_accepted_connections_total",
                        "ntp_server_authenticated_packets_total",
                        "ntp_server_received_packets_total")) {
            assertEquals("counter", a.get(family).type(), family);
            assertTrue(
                    a.get(family).value() > b.get(family).value(), family + " moved:\n" + after[0]);
        }
        assertTrue(
                a.get("nts_ke_session_seconds").value("nts_ke_session_seconds_count", Map.of())
                        >= 1,
                after[0]);
        assertTrue(a.get("ntsfarm_cluster_members").value() >= 1, after[0]);
        assertTrue(a.get("nts_key_ring_slots").value() >= 2, after[0]);
        assertEquals("counter", a.get("nts_key_ring_damaged_entries_total").type(), after[0]);
        assertEquals(
                0, a.get("nts_key_ring_damaged_entries_total").value(), "an untouched cluster");

        assertTrue(dom[0].contains("data-rendered=\"5\""), dom[0]);
        assertTrue(figure(dom[0], "ntp-requests", "data-nonzero") >= 1, dom[0]);
        assertTrue(figure(dom[0], "ke-sessions", "data-nonzero") >= 1, dom[0]);
        assertTrue(figure(dom[0], "ke-latency", "data-max") > 0, dom[0]);
    }
}
