package dev.ntsfarm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ntsfarm.control.ControlSecurityTest.AgentState;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.testsupport.Requirements;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generic gRPC client that knows nothing of ntsfarm (Python's grpcio from Debian speaking raw bytes,
 * {@code grpc/probe.py}) lists every control service of each endpoint through server reflection, and
 * the standard health service answers SERVING for the server and for each of them; over TCP and over
 * the Unix socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GenericClientTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    private ControlEndpoint endpoint;

    @AfterEach
    void stop() throws Exception {
        if (endpoint != null) {
            endpoint.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Python's grpcio must be there (./ntsfarm setup installs python3-grpcio): fail under CI, skip elsewhere. */
    private static void requireGrpcio() throws Exception {
        Requirements.program(PYTHON, "python3");
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import grpc").redirectErrorStream(true).start();
        boolean ok = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok && Requirements.underCi()) {
            fail("python3-grpcio is missing: ./ntsfarm setup installs it");
        }
        assumeTrue(ok, "python3-grpcio is not installed (./ntsfarm setup installs it)");
    }

    private String probe(String target) throws Exception {
        Path script = dir.resolve("probe.py");
        try (InputStream in = GenericClientTest.class.getResourceAsStream("/grpc/probe.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), target).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    private static List<String> sorted(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).sorted().toList();
    }

    @Test
    void theAgentEndpointListsItsServicesAndIsServing() throws Exception {
        requireGrpcio();
        AgentState agent = new AgentState();
        Path socket = dir.resolve("run").resolve("agent.sock");
        endpoint = ControlEndpoint.agent(vertx, new ControlOptions(0, ControlOptions.DEFAULT_ADDRESSES,
                Optional.of(socket), List.of(), Optional.empty(), 1), agent, agent, line -> { });
        endpoint.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> services = List.of("service grpc.health.v1.Health", "service grpc.reflection.v1.ServerReflection",
                "service ntsfarm.control.v1.ClockAgent", "service ntsfarm.control.v1.ClockSyncState");
        for (String target : List.of("127.0.0.1:" + endpoint.actualPort(), "[::1]:" + endpoint.actualPort(),
                "unix:" + socket)) {
            String out = probe(target);
            assertEquals(services, sorted(out, "service "), target + ":\n" + out);
            assertEquals(List.of("health \"\" SERVING", "health grpc.health.v1.Health SERVING",
                    "health grpc.reflection.v1.ServerReflection SERVING", "health ntsfarm.control.v1.ClockAgent SERVING",
                    "health ntsfarm.control.v1.ClockSyncState SERVING"), sorted(out, "health "), target + ":\n" + out);
        }
    }

    @Test
    void theFarmEndpointListsItsServiceAndIsServing() throws Exception {
        requireGrpcio();
        FarmControl farm = new FarmControl() {
            @Override
            public Map<ServerCounter, Long> serverStats() {
                return new EnumMap<>(ServerCounter.class);
            }

            @Override
            public void countCommand(boolean refused) {
            }
        };
        endpoint = ControlEndpoint.farm(vertx, ControlOptions.loopback(0), farm, 323, line -> { });
        endpoint.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String out = probe("127.0.0.1:" + endpoint.actualPort());
        assertTrue(out.contains("service ntsfarm.control.v1.FarmControl\n"), out);
        assertTrue(out.contains("health ntsfarm.control.v1.FarmControl SERVING\n"), out);
        assertTrue(out.contains("health \"\" SERVING\n"), out);
    }
}
