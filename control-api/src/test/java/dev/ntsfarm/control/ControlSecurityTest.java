package dev.ntsfarm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ntsfarm.control.ctl.Ntsctl;
import dev.ntsfarm.control.impl.ClockAgentRpcs;
import dev.ntsfarm.core.clock.Reach;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceState;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.proto.control.v1.AgentCommandReply;
import dev.ntsfarm.proto.control.v1.AgentMakeStepRequest;
import dev.ntsfarm.proto.control.v1.ClockAgentGrpcService;
import dev.ntsfarm.testsupport.Requirements;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's chronyc security on a real control endpoint over loopback and a Unix socket, driven by
 * ntsctl and by a plain gRPC client: read-only commands free; every operational command refused
 * without an authenticator, with a wrong key, replayed, and from an address cmdallow does not allow,
 * the agent's state unchanged after each refusal; accepted with {@code -a} and with
 * {@code authhash} + {@code password}; root on the Unix socket needs no key.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlSecurityTest {

    /** What the endpoint serves: an agent's state that the operational commands change, in memory. */
    static class AgentState implements ClockAgentControl, ClockSyncFeed {
        final List<String> sources = new CopyOnWriteArrayList<>(List.of("192.0.2.1", "192.0.2.2"));
        final List<String> offline = new CopyOnWriteArrayList<>();
        final List<String> bursts = new CopyOnWriteArrayList<>();
        volatile int steps;

        /** Everything an operational command can change, to compare before and after a refusal. */
        String snapshot() {
            return sources + " offline=" + offline + " bursts=" + bursts + " steps=" + steps;
        }

        @Override
        public Tracking tracking() {
            return Tracking.unsynchronised(0, 0);
        }

        @Override
        public List<SourceRow<SourceReport>> sources() {
            List<SourceRow<SourceReport>> rows = new ArrayList<>();
            for (String s : sources) {
                rows.add(new SourceRow<>(s, s, new SourceReport('^', SourceState.UNUSABLE, s, 0, 6, Reach.NONE, -1,
                        0, 0, 0)));
            }
            return rows;
        }

        @Override
        public List<SourceRow<SourceStatsReport>> sourceStats() {
            return List.of();
        }

        @Override
        public List<SourceRow<AuthDataReport>> authData() {
            return sources.stream().map(s -> new SourceRow<>(s, s, AuthDataReport.NONE)).toList();
        }

        @Override
        public ActivityReport activity() {
            return new ActivityReport(sources.size() - offline.size(), offline.size(), 0, 0, 0);
        }

        @Override
        public Future<Void> makeStep() {
            steps++;
            return Future.succeededFuture();
        }

        private List<String> select(String selector) {
            return sources.stream().filter(s -> selector.isEmpty() || s.equals(selector)).toList();
        }

        @Override
        public int burst(String selector) {
            bursts.addAll(select(selector));
            return select(selector).size();
        }

        @Override
        public int setOnline(String selector, boolean online) {
            for (String s : select(selector)) {
                offline.remove(s);
                if (!online) {
                    offline.add(s);
                }
            }
            return select(selector).size();
        }

        @Override
        public Future<Void> addSource(SourceDirective directive) {
            sources.add(directive.host());
            return Future.succeededFuture();
        }

        @Override
        public Future<Boolean> deleteSource(String address) {
            return Future.succeededFuture(sources.remove(address));
        }

        @Override
        public ClockSyncState syncState() {
            return ClockSyncState.UNSYNCHRONISED;
        }
    }

    /** Each operational command with what it changes. */
    static final List<String> OPERATIONAL = List.of("makestep", "burst 192.0.2.1", "offline 192.0.2.2",
            "online", "add server 192.0.2.3 iburst", "delete 192.0.2.1");

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    private final AgentState agent = new AgentState();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private ControlEndpoint endpoint;
    private Path keys;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws Exception {
        if (endpoint != null) {
            endpoint.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void start(String... directives) throws Exception {
        keys = dir.resolve("agent.keys");
        List<String> all = new ArrayList<>(List.of("cmdport 0", "keyfile " + keys));
        all.addAll(List.of(directives));
        Files.writeString(dir.resolve("agent.conf"), String.join("\n", all) + "\n");
        Config config = ((ConfigResult.Parsed) Config.fromArgs(all)).config();
        endpoint = ControlEndpoint.agent(vertx, ControlOptions.fromConfig(config, ControlOptions.DEFAULT_AGENT_PORT),
                agent, agent, log::add);
        endpoint.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int ctl(String stdin, String... args) {
        out.reset();
        err.reset();
        return Ntsctl.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String port() {
        return Integer.toString(endpoint.actualPort());
    }

    private SymmetricKey commandKey() throws Exception {
        return CommandKeys.read(keys, 1).orElseThrow();
    }

    @Test
    void readOnlyCommandsNeedNoCredentials() throws Exception {
        start();
        for (String command : List.of("sources", "sourcestats", "tracking", "authdata", "activity", "waitsync 1")) {
            int rc = ctl("", "-p", port(), command);
            assertTrue(rc == 0 || command.startsWith("waitsync"), command + ": " + err);
            assertFalse(err.toString().contains("Not authorised"), command + ": " + err);
        }
        assertTrue(out.toString().startsWith("try: 1, refid: 00000000"), out.toString());
    }

    @Test
    void everyOperationalCommandIsRefusedWithoutAnAuthenticatorAndChangesNothing() throws Exception {
        start();
        for (String command : OPERATIONAL) {
            String before = agent.snapshot();
            assertEquals(1, ctl("", "-p", port(), command), command);
            assertTrue(err.toString().startsWith("501 Not authorised: authentication required: "), command + ": " + err);
            assertTrue(err.toString().contains("ntsctl -a"), "says what to do: " + err);
            assertEquals(before, agent.snapshot(), command + " changed the agent's state");
        }
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Refused ntsfarm.control.v1.ClockAgent/MakeStep from 127.0.0.1:")),
                log.toString());
    }

    @Test
    void aWrongKeyIsABadAuthenticatorAndChangesNothing() throws Exception {
        start();
        for (String command : OPERATIONAL) {
            String before = agent.snapshot();
            String stdin = "authhash SHA1\npassword HEX:00112233445566778899AABBCCDDEEFF00112233\n" + command + "\n";
            assertEquals(1, ctl(stdin, "-p", port()), command);
            assertTrue(err.toString().contains("501 Not authorised: bad authenticator: it was not made with the command key"),
                    command + ": " + err);
            assertEquals(before, agent.snapshot(), command + " changed the agent's state");
        }
    }

    @Test
    void theSameCommandsSucceedWithMinusA() throws Exception {
        start();
        String conf = dir.resolve("agent.conf").toString();
        for (String command : OPERATIONAL) {
            String before = agent.snapshot();
            assertEquals(0, ctl("", "-p", port(), "-a", "-f", conf, command), command + ": " + err);
            assertEquals("200 OK\n", out.toString(), command);
            assertFalse(before.equals(agent.snapshot()) && !command.equals("online"), command + " did nothing");
        }
        assertEquals(1, agent.steps);
        assertEquals(List.of("192.0.2.2", "192.0.2.3"), agent.sources);
        assertTrue(log.stream().anyMatch(l -> l.matches("Command MakeStep accepted from 127\\.0\\.0\\.1:\\d+")), log.toString());
    }

    @Test
    void theSameCommandsSucceedWithAuthhashAndPasswordOnStandardInput() throws Exception {
        start();
        String line = KeyFile.formatLine(commandKey()); // "1 SHA1 HEX:..."
        String[] words = line.split(" ");
        StringBuilder stdin = new StringBuilder("authhash " + words[1] + "\npassword " + words[2] + "\n");
        OPERATIONAL.forEach(c -> stdin.append(c).append('\n'));
        assertEquals(0, ctl(stdin.toString(), "-p", port()), err.toString());
        assertEquals("200 OK\n".repeat(2 + OPERATIONAL.size()), out.toString());
        assertEquals(1, agent.steps);
        assertEquals(List.of("192.0.2.1"), agent.bursts);
        assertEquals(List.of("192.0.2.2", "192.0.2.3"), agent.sources);
    }

    @Test
    void theCommandKeyIsMadeAtFirstStartOwnerOnlyAndKeptAfter() throws Exception {
        start();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        String first = Files.readString(keys);
        assertTrue(first.matches("1 SHA1 HEX:[0-9A-F]{40}\n"), first);
        endpoint.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        endpoint = null;
        start();
        assertEquals(first, Files.readString(keys), "a second start keeps the key");
    }

    /** One MakeStep call with the given headers from {@code localAddress}; its status and message. */
    private GrpcClientResponse<AgentMakeStepRequest, AgentCommandReply> rawMakeStep(Map<String, String> headers,
                                                                                     String localAddress)
            throws Exception {
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setLocalAddress(localAddress));
        try {
            ServiceMethod<AgentCommandReply, AgentMakeStepRequest> m = ServiceMethod.client(
                    ClockAgentGrpcService.SERVICE_NAME, "MakeStep", GrpcMessageEncoder.encoder(),
                    GrpcMessageDecoder.decoder(AgentCommandReply.getDefaultInstance()));
            return client.request(SocketAddress.inetSocketAddress(endpoint.actualPort(), "127.0.0.1"), m)
                    .compose(req -> {
                        headers.forEach(req.headers()::set);
                        return req.send(AgentMakeStepRequest.getDefaultInstance());
                    }).compose(resp -> resp.end().transform(ar -> Future.succeededFuture(resp)))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    private Map<String, String> authenticator() throws Exception {
        return CommandAuthenticator.headers(commandKey(), true, ClockAgentGrpcService.SERVICE_NAME.fullyQualifiedName()
                + "/MakeStep", AgentMakeStepRequest.getDefaultInstance().toByteArray(), System.currentTimeMillis(),
                new SecureRandom());
    }

    @Test
    void aReplayedAuthenticatorIsRefused() throws Exception {
        start();
        Map<String, String> headers = authenticator();
        assertEquals(GrpcStatus.OK, rawMakeStep(headers, "127.0.0.1").status());
        assertEquals(1, agent.steps);
        var replay = rawMakeStep(headers, "127.0.0.1");
        assertEquals(GrpcStatus.UNAUTHENTICATED, replay.status());
        assertEquals("bad authenticator: replayed: this authenticator was used before", replay.statusMessage());
        assertEquals(1, agent.steps, "the replay stepped the clock");
    }

    @Test
    void aStaleAuthenticatorIsRefused() throws Exception {
        start();
        Map<String, String> headers = CommandAuthenticator.headers(commandKey(), true,
                ClockAgentGrpcService.SERVICE_NAME.fullyQualifiedName() + "/MakeStep",
                AgentMakeStepRequest.getDefaultInstance().toByteArray(), System.currentTimeMillis() - 120_000,
                new SecureRandom());
        var r = rawMakeStep(headers, "127.0.0.1");
        assertEquals(GrpcStatus.UNAUTHENTICATED, r.status());
        assertTrue(r.statusMessage().startsWith("bad authenticator: its time is 120 s from the server's clock"),
                r.statusMessage());
        assertEquals(0, agent.steps);
    }

    @Test
    void anAddressCmdallowDoesNotAllowIsRefusedEvenWithTheKey() throws Exception {
        // 127.0.0.2 is loopback but not localhost's 127.0.0.1: chronyd serves only 127.0.0.1 and ::1 unasked
        start();
        String before = agent.snapshot();
        var r = rawMakeStep(authenticator(), "127.0.0.2");
        assertEquals(GrpcStatus.PERMISSION_DENIED, r.status());
        assertTrue(r.statusMessage().startsWith("not allowed from this address (127.0.0.2 is not in cmdallow"),
                r.statusMessage());
        assertEquals(before, agent.snapshot());
    }

    @Test
    void cmdallowLetsAnAddressInAndCmddenyShutsLocalhostOut() throws Exception {
        start("cmdallow 127.0.0.2", "cmddeny 127.0.0.1");
        assertEquals(GrpcStatus.OK, rawMakeStep(authenticator(), "127.0.0.2").status());
        assertEquals(1, agent.steps);
        var denied = rawMakeStep(authenticator(), "127.0.0.1");
        assertEquals(GrpcStatus.PERMISSION_DENIED, denied.status());
        assertEquals(1, agent.steps);
        assertEquals(1, ctl("", "-p", port(), "sources"), "cmddeny covers read-only calls too");
        assertTrue(err.toString().startsWith("501 Not authorised: not allowed from this address"), err.toString());
    }

    @Test
    void rootOnTheUnixSocketNeedsNoKeyAndTheDirectoryIsOwnerOnly() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) || Requirements.underCi(),
                "the Unix socket's operational calls are root's");
        Path socket = dir.resolve("run").resolve("agent.sock");
        start("bindcmdaddress " + socket);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        assertTrue(endpoint.listening().contains(socket.toString()), endpoint.listening().toString());
        for (String command : OPERATIONAL) {
            assertEquals(0, ctl("", "-h", socket.toString(), command), command + ": " + err);
        }
        assertEquals(1, agent.steps);
        assertEquals(List.of("192.0.2.2", "192.0.2.3"), agent.sources);
        assertTrue(log.stream().anyMatch(l -> l.equals("Command MakeStep accepted from unix socket (uid 0)")),
                log.toString());
        // the same commands over TCP still need the key
        assertEquals(1, ctl("", "-p", port(), "makestep"));
        assertEquals(1, agent.steps);
    }

    @Test
    void listensOnLoopbackOnlyByDefaultIpv4AndIpv6() throws Exception {
        start();
        int port = endpoint.actualPort();
        List<String> listening = new ArrayList<>(listeners(Path.of("/proc/net/tcp"), port));
        listening.addAll(listeners(Path.of("/proc/net/tcp6"), port));
        listening.sort(null);
        // an IPv4 socket shows 127.0.0.1; the native transport may bind it as ::ffff:127.0.0.1 instead
        assertEquals(List.of("0:0:0:0:0:0:0:1", "127.0.0.1"), listening, "loopback only, IPv4 and IPv6");
    }

    /** The local addresses of the sockets the kernel's table lists as listening on {@code port}. */
    static List<String> listeners(Path table, int port) throws IOException {
        List<String> found = new ArrayList<>();
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            String[] local = f[1].split(":");
            if (f[3].equals("0A") && Integer.parseInt(local[1], 16) == port) {
                // the kernel prints each 32-bit word in host (little-endian) order
                byte[] a = new byte[local[0].length() / 2];
                for (int w = 0; w < a.length / 4; w++) {
                    for (int b = 0; b < 4; b++) {
                        int hex = (w * 4 + 3 - b) * 2;
                        a[w * 4 + b] = (byte) Integer.parseInt(local[0].substring(hex, hex + 2), 16);
                    }
                }
                found.add(InetAddress.getByAddress(a).getHostAddress());
            }
        }
        return found;
    }

    @Test
    void aFarmCommandAtTheAgentPortSaysWhereTheFarmListens() throws Exception {
        start();
        assertEquals(1, ctl("", "-p", port(), "serverstats"));
        assertTrue(err.toString().startsWith("505 Not served here (127.0.0.1:" + port() + "): this is the clock agent's "
                + "control endpoint; serverstats, members, keys, rekey and clients are farm commands: the farm control "
                + "endpoint listens on port 9323"), err.toString());
    }

    @Test
    void waitsyncIsBoundedAndAddIsLimited() throws Exception {
        start();
        assertEquals(1, ctl("", "-p", port(), "waitsync", "1", "0", "0", "0.01"));
        assertTrue(err.toString().contains("interval is at least 0.1"), err.toString());
        String conf = dir.resolve("agent.conf").toString();
        while (agent.sources.size() < ClockAgentRpcs.MAX_SOURCES) {
            agent.sources.add("198.51.100." + agent.sources.size());
        }
        assertEquals(1, ctl("", "-p", port(), "-a", "-f", conf, "add", "server", "203.0.113.1"));
        assertTrue(err.toString().contains("the most add may make is 64"), err.toString());
        assertFalse(agent.sources.contains("203.0.113.1"));
    }
}
