package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.agent.AgentConfig;
import dev.ntsfarm.agent.AgentDaemon;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.file.PidFile;
import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.HeadlessChromium;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.Requirements;
import dev.ntsfarm.testsupport.StrictExposition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clock agent's metrics against chronyd as its NTS server: {@code ntp_system_*} and the
 * per-source {@code ntp_source_*} families move as the agent synchronises, and its status page
 * plots the offset and the frequency, rendered in a real headless Chromium.
 */
@Timeout(120)
class AgentMetricsInteropTest {

    @TempDir Path dir;
    private Chronyd chronyd;
    private AgentDaemon daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
        if (chronyd != null) {
            chronyd.close();
        }
    }

    private static Map<String, StrictExposition.Family> scrape(int port) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return StrictExposition.parse(r.body());
    }

    @Test
    void systemAndSourceFamiliesFollowTheAgentAndThePagePlotsItsOffset() throws Exception {
        Requirements.chronyd();
        HeadlessChromium.require();
        chronyd = Chronyd.in(dir).startServer();
        List<String> directives =
                List.of(
                        "server 127.0.0.1 port "
                                + chronyd.ntpPort()
                                + " ntsport "
                                + chronyd.ntsPort()
                                + " nts iburst minpoll -2 maxpoll -2",
                        "ntstrustedcerts " + chronyd.certificate().cert(),
                        "cmdport " + Ports.freeTcp(),
                        "bindcmdaddress 127.0.0.1",
                        "keyfile " + dir.resolve("command.keys"),
                        "metricsport 0",
                        "pidfile " + dir.resolve("run/agent.pid"));
        Config config =
                switch (Config.fromArgs(directives)) {
                    case ConfigResult.Parsed p -> p.config();
                    case ConfigResult.Invalid i -> throw new AssertionError(i.errors().toString());
                };
        AgentServices services = AgentServices.from(config, line -> {});
        daemon = new AgentDaemon(AgentConfig.from(config), true, line -> {}, services);
        daemon.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        int port = services.metricsPort();
        assertTrue(port > 0);
        assertEquals(
                Optional.of(ProcessHandle.current().pid()),
                PidFile.read(dir.resolve("run/agent.pid")));

        Map<String, StrictExposition.Family> f =
                Await.until(
                        Duration.ofSeconds(60),
                        Duration.ofMillis(250),
                        () -> {
                            services.sampleHistoryNow();
                            return scrape(port);
                        },
                        m ->
                                m.containsKey("ntp_system_stratum")
                                        && m.get("ntp_system_stratum").value() == 2
                                        && m.containsKey("ntp_source_reach")
                                        && m.get("ntp_source_reach").samples().stream()
                                                .anyMatch(s -> s.value() >= 0x3F));
        assertEquals(2, f.get("ntp_system_stratum").value(), "synchronised to chronyd's stratum 1");
        StrictExposition.Family reach = f.get("ntp_source_reach");
        assertEquals("gauge", reach.type());
        assertEquals(
                "127.0.0.1", reach.samples().getFirst().labels().get("address"), reach.toString());
        assertTrue(reach.samples().getFirst().value() >= 0x3F, reach.toString());
        for (String family :
                List.of(
                        "ntp_system_offset_seconds",
                        "ntp_system_frequency_ppm",
                        "ntp_system_skew_ppm",
                        "ntp_system_root_delay_seconds",
                        "ntp_system_root_dispersion_seconds",
                        "ntp_source_offset_seconds")) {
            assertTrue(f.containsKey(family), family);
            assertTrue(
                    f.get(family).samples().stream().allMatch(s -> Double.isFinite(s.value())),
                    family);
        }
        assertTrue(
                f.get("ntp_system_root_delay_seconds").value() > 0, "a measured delay to chronyd");

        String dom = HeadlessChromium.dumpDom("http://127.0.0.1:" + port + "/", dir);
        assertTrue(dom.contains("data-rendered=\"2\""), dom);
        assertTrue(FarmMetricsInteropTest.figure(dom, "agent-offset", "data-points") >= 2, dom);
        assertTrue(FarmMetricsInteropTest.figure(dom, "agent-offset", "data-nonzero") >= 1, dom);
        assertTrue(FarmMetricsInteropTest.figure(dom, "agent-frequency", "data-points") >= 2, dom);
        daemon.stop();
        daemon = null;
        assertFalse(
                Files.exists(dir.resolve("run/agent.pid")), "the pid file goes with a clean stop");
    }
}
