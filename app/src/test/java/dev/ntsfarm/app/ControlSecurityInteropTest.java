package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Message;
import dev.ntsfarm.agent.Agent;
import dev.ntsfarm.agent.AgentConfig;
import dev.ntsfarm.agent.AgentDaemon;
import dev.ntsfarm.app.control.AgentEndpoint;
import dev.ntsfarm.app.control.ClockAgentAdapter;
import dev.ntsfarm.control.ClockAgentControl;
import dev.ntsfarm.control.CommandKeys;
import dev.ntsfarm.control.ControlEndpoint;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.control.impl.ClockAgentRpcs;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.proto.control.v1.AgentAddSourceRequest;
import dev.ntsfarm.proto.control.v1.AgentCommandReply;
import dev.ntsfarm.proto.control.v1.AgentMakeStepRequest;
import dev.ntsfarm.proto.control.v1.AgentSourceSelector;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncReply;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncRequest;
import dev.ntsfarm.proto.control.v1.ClockAgentGrpcService;
import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.Requirements;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's chronyc security on a real clock agent: the agent daemon ({@code -x}, never touching
 * the clock) with chronyd 4.3 as its NTS and NTP server, its control endpoint configured as an
 * operator would (no {@code keyfile}: the command key is made in the state directory), driven by
 * ntsctl and by a plain gRPC client. Read-only commands are free; every operational command is
 * refused without an authenticator, with a wrong key, replayed, stale, and from an address cmdallow
 * does not allow, and the agent's sources are as they were after each refusal; the same commands
 * work with {@code -a}, with {@code authhash} + {@code password}, and as root on the Unix socket.
 * One agent and one chronyd serve every method. (rekey, the farm's operational command, is
 * FarmOfProcessesTest's.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlSecurityInteropTest {

    @TempDir static Path dir;
    private Chronyd chronyd;
    private AgentDaemon daemon;
    private Agent agent;
    private AgentEndpoint endpoint;

    /** A second endpoint of the same agent: cmdallow 127.0.0.2, cmddeny 127.0.0.1. */
    private AgentEndpoint guarded;

    /** A third, whose agent counts the tracking reports asked of it. */
    private ControlEndpoint counted;

    private final AtomicInteger trackingAsked = new AtomicInteger();
    private Path conf;
    private Path keys;
    private Path socket;
    private int silentPort;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ControlCalls calls = new ControlCalls();

    /**
     * Each operational command (ntsctl's words and the gRPC call they make) from the state {@link
     * #atRest}: each would change it if it ran.
     */
    private record Op(String command, String method, Message request) {
        @Override
        public String toString() {
            return command;
        }
    }

    private List<Op> operational() {
        return List.of(
                new Op("makestep", "MakeStep", AgentMakeStepRequest.getDefaultInstance()),
                new Op("burst 127.0.0.2", "Burst", selector("127.0.0.2")),
                new Op("offline 127.0.0.2", "Offline", selector("127.0.0.2")),
                new Op("online 127.0.0.4", "Online", selector("127.0.0.4")),
                new Op(
                        "add server 127.0.0.3 port " + silentPort,
                        "AddSource",
                        AgentAddSourceRequest.newBuilder()
                                .setDirective("server 127.0.0.3 port " + silentPort)
                                .build()),
                new Op("delete 127.0.0.2", "DeleteSource", selector("127.0.0.2")));
    }

    private static AgentSourceSelector selector(String address) {
        return AgentSourceSelector.newBuilder().setAddress(address).build();
    }

    @BeforeAll
    void startAgent() throws Exception {
        // 127.0.0.2 and .4 reach the same chronyd as sources of their own
        chronyd = Chronyd.in(dir).startServer("allow 127.0.0.2", "allow 127.0.0.4");
        silentPort = Ports.freeUdp();
        socket = dir.resolve("run").resolve("agent.sock");
        List<String> directives =
                List.of(
                        "server 127.0.0.1 port "
                                + chronyd.ntpPort()
                                + " ntsport "
                                + chronyd.ntsPort()
                                + " nts iburst minpoll -2 maxpoll -2",
                        "server 127.0.0.2 port "
                                + chronyd.ntpPort()
                                + " iburst minpoll -2 maxpoll -2",
                        "server 127.0.0.4 port "
                                + chronyd.ntpPort()
                                + " iburst minpoll -2 maxpoll -2",
                        "ntstrustedcerts " + chronyd.certificate().cert(),
                        "ntsdumpdir " + dir.resolve("state"),
                        "cmdport 0",
                        "bindcmdaddress " + socket);
        // what ntsctl -a -f reads: the agent's own configuration, which names no keyfile
        conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n", directives) + "\n");
        keys = dir.resolve("state").resolve("ntsfarm.keys");
        Config config = parse(directives);
        endpoint = AgentEndpoint.from(config, log::add);
        List<String> guardedDirectives =
                new ArrayList<>(directives.subList(0, directives.size() - 1));
        guardedDirectives.addAll(List.of("cmdallow 127.0.0.2", "cmddeny 127.0.0.1"));
        guarded = AgentEndpoint.from(parse(guardedDirectives), log::add);
        daemon =
                new AgentDaemon(
                        AgentConfig.from(config),
                        true,
                        log::add,
                        new AgentDaemon.Attachment() {
                            @Override
                            public Future<Void> start(Vertx vertx, Agent a, ClockControl clock) {
                                ClockAgentAdapter real = new ClockAgentAdapter(a);
                                ClockAgentControl counting =
                                        (ClockAgentControl)
                                                Proxy.newProxyInstance(
                                                        ClockAgentControl.class.getClassLoader(),
                                                        new Class<?>[] {ClockAgentControl.class},
                                                        (proxy, method, args) -> {
                                                            if (method.getName()
                                                                    .equals("tracking")) {
                                                                trackingAsked.incrementAndGet();
                                                            }
                                                            try {
                                                                return method.invoke(real, args);
                                                            } catch (InvocationTargetException e) {
                                                                throw e.getCause();
                                                            }
                                                        });
                                counted =
                                        ControlEndpoint.agent(
                                                vertx,
                                                ControlOptions.loopback(0),
                                                counting,
                                                real,
                                                line -> {});
                                return endpoint.start(vertx, a, clock)
                                        .compose(v -> guarded.start(vertx, a, clock))
                                        .compose(v -> counted.start());
                            }

                            @Override
                            public Future<Void> stop() {
                                return counted.stop()
                                        .eventually(guarded::stop)
                                        .eventually(endpoint::stop);
                            }
                        });
        daemon.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        agent = daemon.agent();
        // iburst first: a source taken offline in the middle of a burst would stay in it
        awaitState(s -> !s.contains("burst") && s.contains("127.0.0.4"));
        ControlCalls.Ctl off = withKey("offline 127.0.0.4");
        assertEquals("200 OK\n", off.out(), off.toString());
        awaitState(s -> s.contains("127.0.0.4 offline"));
    }

    private static Config parse(List<String> directives) {
        ConfigResult r = Config.fromArgs(directives);
        if (!(r instanceof ConfigResult.Parsed p)) {
            throw new AssertionError(r.toString());
        }
        return p.config();
    }

    @AfterAll
    void stopAgent() throws Exception {
        calls.close();
        if (daemon != null) {
            daemon.stop();
        }
        if (chronyd != null) {
            chronyd.close();
        }
    }

    /**
     * Back to rest before each method: no burst under way (a burst ends by itself after a few
     * polls).
     */
    @BeforeEach
    void quiet() throws Exception {
        awaitState(atRest::equals);
    }

    /**
     * What the operational commands change: each source, online or not, bursting or not; and the
     * accepted calls.
     */
    private String state() {
        List<String> sources = new ArrayList<>();
        for (Agent.SourceView s : agent.sources()) {
            sources.add(
                    s.address() + (s.online() ? "" : " offline") + (s.bursting() ? " burst" : ""));
        }
        sources.sort(null);
        return String.join(", ", sources);
    }

    /** Operational calls the endpoint's log says it ran. */
    private long accepted() {
        return log.stream()
                .filter(l -> l.startsWith("Command ") && l.contains(" accepted from "))
                .count();
    }

    private final String atRest = "127.0.0.1, 127.0.0.2, 127.0.0.4 offline";

    private String awaitState(Predicate<String> done) throws Exception {
        String s = Await.until(Duration.ofSeconds(20), Duration.ofMillis(50), this::state, done);
        assertTrue(done.test(s), "the agent's sources: " + s);
        return s;
    }

    private ControlCalls.Ctl withKey(String command) {
        return ControlCalls.ntsctl(
                "", "-p", Integer.toString(endpoint.port()), "-a", "-f", conf.toString(), command);
    }

    private SymmetricKey commandKey() throws Exception {
        return CommandKeys.read(keys, 1).orElseThrow();
    }

    private ControlCalls.Status raw(Op op, String from, int port, Map<String, String> headers)
            throws Exception {
        return calls.call(
                from,
                port,
                ClockAgentGrpcService.SERVICE_NAME,
                op.method(),
                op.request(),
                AgentCommandReply.getDefaultInstance(),
                headers);
    }

    private Map<String, String> authenticator(Op op, long millis) throws Exception {
        return ControlCalls.authenticator(
                commandKey(),
                ClockAgentGrpcService.SERVICE_NAME,
                op.method(),
                op.request(),
                millis);
    }

    private String port() {
        return Integer.toString(endpoint.port());
    }

    @Test
    void theCommandKeyIsMadeInTheStateDirectoryOwnerOnlyAndKeptByTheSecondEndpoint()
            throws Exception {
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        String text = Files.readString(keys);
        assertTrue(
                text.matches("1 SHA1 HEX:[0-9A-F]{40}\n"),
                "one key, made once for both endpoints: " + text);
    }

    @Test
    void readOnlyCommandsNeedNoCredentials() {
        for (String command :
                List.of(
                        "sources",
                        "sourcestats",
                        "tracking",
                        "authdata",
                        "activity",
                        "waitsync 1")) {
            ControlCalls.Ctl r = ControlCalls.ntsctl("", "-p", port(), command);
            assertTrue(r.status() == 0 || command.startsWith("waitsync"), command + ": " + r);
            assertFalse(r.err().contains("Not authorised"), command + ": " + r);
        }
        ControlCalls.Ctl sources = ControlCalls.ntsctl("", "-p", port(), "-n", "sources");
        assertTrue(
                sources.out().contains(" 127.0.0.2 ") && sources.out().contains(" 127.0.0.4 "),
                sources.out());
    }

    @Test
    void everyOperationalCommandIsRefusedWithoutAnAuthenticatorAndChangesNothing() {
        long before = accepted();
        for (Op op : operational()) {
            ControlCalls.Ctl r = ControlCalls.ntsctl("", "-p", port(), op.command());
            assertEquals(1, r.status(), op + ": " + r);
            assertTrue(
                    r.err().startsWith("501 Not authorised: authentication required: "),
                    op + ": " + r);
            assertTrue(r.err().contains("ntsctl -a"), "says what to do: " + r);
            assertEquals(atRest, state(), op + " changed the agent's sources");
        }
        assertEquals(before, accepted());
        assertTrue(
                log.stream()
                        .anyMatch(
                                l ->
                                        l.startsWith(
                                                "Refused ntsfarm.control.v1.ClockAgent/MakeStep from 127.0.0.1:")),
                log.toString());
    }

    @Test
    void aWrongKeyIsABadAuthenticatorAndChangesNothing() {
        long before = accepted();
        for (Op op : operational()) {
            ControlCalls.Ctl r =
                    ControlCalls.ntsctl(
                            "authhash SHA1\npassword HEX:00112233445566778899AABBCCDDEEFF00112233\n"
                                    + op.command()
                                    + "\n",
                            "-p",
                            port());
            assertEquals(1, r.status(), op + ": " + r);
            assertTrue(
                    r.err()
                            .contains(
                                    "501 Not authorised: bad authenticator: it was not made with the command key"),
                    op + ": " + r);
            assertEquals(atRest, state(), op + " changed the agent's sources");
        }
        assertEquals(before, accepted());
    }

    @Test
    void aStaleAuthenticatorIsRefusedAndChangesNothing() throws Exception {
        long before = accepted();
        for (Op op : operational()) {
            var r =
                    raw(
                            op,
                            "127.0.0.1",
                            endpoint.port(),
                            authenticator(op, System.currentTimeMillis() - 120_000));
            assertEquals(GrpcStatus.UNAUTHENTICATED, r.status(), op + ": " + r);
            assertTrue(
                    r.message()
                            .startsWith(
                                    "bad authenticator: its time is 120 s from the server's clock"),
                    r.message());
            assertEquals(atRest, state(), op + " changed the agent's sources");
        }
        assertEquals(before, accepted());
    }

    @Test
    void anAddressCmdallowDoesNotAllowIsRefusedEvenWithTheKeyAndChangesNothing() throws Exception {
        // 127.0.0.2 is loopback but not localhost's 127.0.0.1: chronyd serves only 127.0.0.1 and
        // ::1 unasked
        long before = accepted();
        for (Op op : operational()) {
            var r =
                    raw(
                            op,
                            "127.0.0.2",
                            endpoint.port(),
                            authenticator(op, System.currentTimeMillis()));
            assertEquals(GrpcStatus.PERMISSION_DENIED, r.status(), op + ": " + r);
            assertTrue(
                    r.message()
                            .startsWith(
                                    "not allowed from this address (127.0.0.2 is not in cmdallow"),
                    r.message());
            assertEquals(atRest, state(), op + " changed the agent's sources");
            // and cmddeny shuts out localhost itself, key or not
            ControlCalls.Ctl denied =
                    ControlCalls.ntsctl(
                            "",
                            "-p",
                            Integer.toString(guarded.port()),
                            "-a",
                            "-f",
                            conf.toString(),
                            op.command());
            assertEquals(1, denied.status(), op + ": " + denied);
            assertTrue(
                    denied.err().startsWith("501 Not authorised: not allowed from this address"),
                    denied.toString());
            assertEquals(atRest, state(), op + " changed the agent's sources");
        }
        assertEquals(before, accepted());
        ControlCalls.Ctl readOnly =
                ControlCalls.ntsctl("", "-p", Integer.toString(guarded.port()), "sources");
        assertTrue(
                readOnly.err().startsWith("501 Not authorised: not allowed from this address"),
                "cmddeny covers " + "read-only calls too: " + readOnly);
        // where cmdallow lets an address in, the key works from there
        Op makestep = operational().getFirst();
        var allowed =
                raw(
                        makestep,
                        "127.0.0.2",
                        guarded.port(),
                        authenticator(makestep, System.currentTimeMillis()));
        assertEquals(GrpcStatus.OK, allowed.status(), allowed.message());
        assertEquals(before + 1, accepted());
    }

    /** What undoes {@code op} once it ran, so the next check starts from rest. */
    private String undo(Op op) {
        return switch (op.method()) {
            case "Offline" -> "online 127.0.0.2";
            case "Online" -> "offline 127.0.0.4";
            case "AddSource" -> "delete 127.0.0.3";
            case "DeleteSource" ->
                    "add server 127.0.0.2 port "
                            + chronyd.ntpPort()
                            + " iburst minpoll -2 maxpoll -2";
            default -> null; // makestep changes no source; a burst ends by itself
        };
    }

    @Test
    void aReplayedAuthenticatorIsRefusedAndChangesNothing() throws Exception {
        for (Op op : operational()) {
            Map<String, String> once = authenticator(op, System.currentTimeMillis());
            long before = accepted();
            var first = raw(op, "127.0.0.1", endpoint.port(), once);
            assertEquals(GrpcStatus.OK, first.status(), op + ": " + first.message());
            assertEquals(before + 1, accepted());
            assertTrue(
                    log.stream()
                            .anyMatch(
                                    l ->
                                            l.matches(
                                                    "Command "
                                                            + op.method()
                                                            + " accepted from 127\\.0\\.0\\.1:\\d+")),
                    log.toString());
            if (!op.method().equals("MakeStep")) {
                awaitState(s -> !s.equals(atRest));
            }
            String undo = undo(op);
            if (undo != null) {
                ControlCalls.Ctl r = withKey(undo);
                assertEquals("200 OK\n", r.out(), undo + ": " + r);
            }
            awaitState(atRest::equals);
            long ran = accepted();
            var replay = raw(op, "127.0.0.1", endpoint.port(), once);
            assertEquals(GrpcStatus.UNAUTHENTICATED, replay.status(), op + ": " + replay.message());
            assertEquals(
                    "bad authenticator: replayed: this authenticator was used before",
                    replay.message());
            assertEquals(atRest, state(), "the replayed " + op + " changed the agent's sources");
            assertEquals(ran, accepted(), "the replayed " + op + " ran");
        }
    }

    /**
     * Runs each operational command through {@code run}, checking what it did, and leaves the agent
     * at rest.
     */
    private void eachCommandWorks(java.util.function.Function<String, ControlCalls.Ctl> run)
            throws Exception {
        long before = accepted();
        List<String> steps =
                List.of(
                        "makestep",
                        "burst 127.0.0.2",
                        "offline 127.0.0.2",
                        "online 127.0.0.2",
                        "add server 127.0.0.3 port " + silentPort,
                        "delete 127.0.0.3");
        for (String command : steps) {
            ControlCalls.Ctl r = run.apply(command);
            assertEquals(0, r.status(), command + ": " + r);
            assertTrue(r.out().endsWith("200 OK\n"), command + ": " + r);
            switch (command.split(" ")[0]) {
                case "burst" ->
                        awaitState(s -> s.contains("127.0.0.2 burst")); // 4 answers at least
                case "offline" -> awaitState(s -> s.contains("127.0.0.2 offline"));
                case "online" ->
                        awaitState(
                                s -> s.contains("127.0.0.2") && !s.contains("127.0.0.2 offline"));
                case "add" -> awaitState(s -> s.contains("127.0.0.3"));
                case "delete" -> awaitState(s -> !s.contains("127.0.0.3"));
                default -> {}
            }
        }
        assertEquals(before + steps.size(), accepted(), "each command ran once: " + log);
        awaitState(atRest::equals);
    }

    @Test
    void theSameCommandsSucceedWithMinusA() throws Exception {
        eachCommandWorks(this::withKey);
        assertTrue(
                log.stream()
                        .anyMatch(
                                l ->
                                        l.matches(
                                                "Command MakeStep accepted from 127\\.0\\.0\\.1:\\d+")),
                log.toString());
    }

    @Test
    void theSameCommandsSucceedWithAuthhashAndPasswordOnStandardInput() throws Exception {
        String[] words = KeyFile.formatLine(commandKey()).split(" "); // "1 SHA1 HEX:..."
        eachCommandWorks(
                command ->
                        ControlCalls.ntsctl(
                                "authhash "
                                        + words[1]
                                        + "\npassword "
                                        + words[2]
                                        + "\n"
                                        + command
                                        + "\n",
                                "-p",
                                port()));
    }

    @Test
    void rootOnTheUnixSocketNeedsNoKeyAndTheDirectoryIsOwnerOnly() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name")) || Requirements.underCi(),
                "the Unix socket's operational calls are root's");
        assertEquals(
                "rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        assertTrue(
                endpoint.listening().contains(socket.toString()), endpoint.listening().toString());
        eachCommandWorks(command -> ControlCalls.ntsctl("", "-h", socket.toString(), command));
        assertTrue(
                log.stream()
                        .anyMatch(
                                l ->
                                        l.equals(
                                                "Command MakeStep accepted from unix socket (uid 0)")),
                log.toString());
        // the same commands over TCP still need the key
        assertEquals(1, ControlCalls.ntsctl("", "-p", port(), "makestep").status());
    }

    @Test
    void listensOnLoopbackOnlyByDefaultIpv4AndIpv6() throws Exception {
        int port = endpoint.port();
        List<String> listening = new ArrayList<>(listeners(Path.of("/proc/net/tcp"), port));
        listening.addAll(listeners(Path.of("/proc/net/tcp6"), port));
        listening.sort(null);
        // an IPv4 socket shows 127.0.0.1; the native transport may bind it as ::ffff:127.0.0.1
        // instead
        assertEquals(
                List.of("0:0:0:0:0:0:0:1", "127.0.0.1"), listening, "loopback only, IPv4 and IPv6");
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
                        a[w * 4 + b] =
                                (byte) Integer.parseInt(local[0].substring(hex, hex + 2), 16);
                    }
                }
                found.add(InetAddress.getByAddress(a).getHostAddress());
            }
        }
        return found;
    }

    @Test
    void aFarmCommandAtTheAgentPortSaysWhereTheFarmListens() {
        ControlCalls.Ctl r = ControlCalls.ntsctl("", "-p", port(), "serverstats");
        assertEquals(1, r.status());
        assertTrue(
                r.err()
                        .startsWith(
                                "505 Not served here (127.0.0.1:"
                                        + port()
                                        + "): this is the clock agent's "
                                        + "control endpoint; serverstats, members, keys, rekey and clients are farm commands: the farm control "
                                        + "endpoint listens on port 9323"),
                r.toString());
    }

    @Test
    void waitsyncIsBoundedAndAddIsLimited() throws Exception {
        ControlCalls.Ctl w =
                ControlCalls.ntsctl("", "-p", port(), "waitsync", "1", "0", "0", "0.01");
        assertEquals(1, w.status());
        assertTrue(w.err().contains("interval is at least 0.1"), w.toString());
        // fill the agent up to the limit with loopback sources nobody answers, in one ntsctl run
        List<String> args =
                new ArrayList<>(List.of("-p", port(), "-a", "-f", conf.toString(), "-m"));
        List<String> added = new ArrayList<>();
        for (int i = agent.sources().size(); i < ClockAgentRpcs.MAX_SOURCES; i++) {
            String address = "127.0.1." + (i + 1);
            added.add(address);
            args.add("add server " + address + " port " + silentPort);
        }
        ControlCalls.Ctl fill = ControlCalls.ntsctl("", args.toArray(String[]::new));
        try {
            assertEquals(0, fill.status(), fill.toString());
            assertEquals(ClockAgentRpcs.MAX_SOURCES, agent.sources().size());
            ControlCalls.Ctl over = withKey("add server 127.0.0.9 port " + silentPort);
            assertEquals(1, over.status());
            assertTrue(over.err().contains("the most add may make is 64"), over.toString());
            assertFalse(state().contains("127.0.0.9"));
        } finally {
            List<String> delete =
                    new ArrayList<>(List.of("-p", port(), "-a", "-f", conf.toString(), "-m"));
            added.forEach(a -> delete.add("delete " + a));
            ControlCalls.Ctl removed = ControlCalls.ntsctl("", delete.toArray(String[]::new));
            assertEquals(0, removed.status(), removed.toString());
        }
        assertEquals(atRest, state());
    }

    @Test
    void aGenericGrpcClientListsTheServicesAndHealthSaysServingOverTcpAndTheUnixSocket()
            throws Exception {
        List<String> services =
                List.of(
                        "service grpc.health.v1.Health",
                        "service grpc.reflection.v1.ServerReflection",
                        "service ntsfarm.control.v1.ClockAgent",
                        "service ntsfarm.control.v1.ClockSyncState");
        for (String target : List.of("127.0.0.1:" + port(), "[::1]:" + port(), "unix:" + socket)) {
            String out = ControlCalls.probe(dir, target);
            assertEquals(services, ControlCalls.lines(out, "service "), target + ":\n" + out);
            assertEquals(
                    List.of(
                            "health \"\" SERVING",
                            "health grpc.health.v1.Health SERVING",
                            "health grpc.reflection.v1.ServerReflection SERVING",
                            "health ntsfarm.control.v1.ClockAgent SERVING",
                            "health ntsfarm.control.v1.ClockSyncState SERVING"),
                    ControlCalls.lines(out, "health "),
                    target + ":\n" + out);
        }
    }

    @Test
    void waitsyncStopsCheckingWhenItsCallerGoesAway() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            GrpcClient client =
                    GrpcClient.client(
                            vertx,
                            new HttpClientOptions()
                                    .setProtocolVersion(HttpVersion.HTTP_2)
                                    .setHttp2ClearTextUpgrade(false));
            ServiceMethod<AgentWaitSyncReply, AgentWaitSyncRequest> m =
                    ServiceMethod.client(
                            ClockAgentGrpcService.SERVICE_NAME,
                            "WaitSync",
                            GrpcMessageEncoder.encoder(),
                            GrpcMessageDecoder.decoder(AgentWaitSyncReply.getDefaultInstance()));
            // a correction no clock gets within: 1000 tries 0.1 s apart would take 100 s; the
            // caller gives up after 0.5 s
            var request =
                    AgentWaitSyncRequest.newBuilder()
                            .setMaxTries(1000)
                            .setMaxCorrection(1e-12)
                            .setInterval(0.1)
                            .build();
            int before = trackingAsked.get();
            Throwable failed =
                    client.request(
                                    SocketAddress.inetSocketAddress(
                                            counted.actualPort(), "127.0.0.1"),
                                    m)
                            .compose(req -> req.timeout(500, TimeUnit.MILLISECONDS).send(request))
                            .compose(resp -> resp.last())
                            .transform(ar -> Future.succeededFuture(ar.cause()))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
            assertTrue(
                    failed != null,
                    "waitsync answered although the correction is never that small");
            client.close();
            int atCancel = trackingAsked.get() - before;
            assertTrue(
                    atCancel >= 2 && atCancel <= 10, "checks while the caller waited: " + atCancel);
            // ten intervals later, still no further check: the server's timer went with the caller
            Promise<Integer> later = Promise.promise();
            vertx.setTimer(1000, id -> later.complete(trackingAsked.get() - before));
            int after =
                    later.future()
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS);
            assertTrue(
                    after <= atCancel + 1,
                    "the server went on checking for nobody: " + atCancel + " -> " + after);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
