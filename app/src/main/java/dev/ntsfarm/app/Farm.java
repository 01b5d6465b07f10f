package dev.ntsfarm.app;

import com.hazelcast.core.HazelcastInstance;
import dev.ntsfarm.app.control.FarmBoard;
import dev.ntsfarm.app.control.FarmControlAdapter;
import dev.ntsfarm.control.ClientReport;
import dev.ntsfarm.control.ControlEndpoint;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigError;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.KeyFileResult;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.ClusterOptions;
import dev.ntsfarm.farm.keys.FarmCluster;
import dev.ntsfarm.farm.keys.FarmEntries;
import dev.ntsfarm.farm.keys.FarmKeyOptions;
import dev.ntsfarm.farm.keys.FarmKeys;
import dev.ntsfarm.farm.keys.FarmSecretFile;
import dev.ntsfarm.farm.keys.KeyRingStatus;
import dev.ntsfarm.ke.service.NtsKeOptions;
import dev.ntsfarm.ke.service.NtsKeServer;
import dev.ntsfarm.metrics.FarmMetrics;
import dev.ntsfarm.metrics.MetricsOptions;
import dev.ntsfarm.metrics.MetricsServer;
import dev.ntsfarm.metrics.ProcessMetrics;
import dev.ntsfarm.ntp.service.AgentSyncStateSource;
import dev.ntsfarm.ntp.service.NtpOptions;
import dev.ntsfarm.ntp.service.NtpResponder;
import dev.ntsfarm.ntp.service.SyncStateSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * The services of one ntsfarm process, started together and stopped in reverse order: the
 * all-in-one farm ({@link Role#ALL_IN_ONE}: Hazelcast member, NTS-KE, NTP and farm control), a key
 * service of a farm of separate processes ({@link Role#NTS_KE}: member and NTS-KE) or a responder
 * ({@link Role#NTP}: Hazelcast client and NTP). The separate roles open a farm control endpoint
 * only when {@code cmdport} is configured, so several of them fit on one host. A responder serves
 * the clock state of the host's clock agent ({@code clockagent HOST:PORT}, default {@code
 * 127.0.0.1:323}) while it answers synchronised, and {@code local stratum N} (or unsynchronised)
 * otherwise.
 */
public final class Farm implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Farm.class.getName());

    /** How long start and stop may take; Hazelcast alone takes seconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Which services this process runs. */
    public enum Role {
        ALL_IN_ONE,
        NTS_KE,
        NTP;

        boolean ke() {
            return this != NTP;
        }

        boolean ntp() {
            return this != NTS_KE;
        }

        boolean member() {
            return this != NTP;
        }
    }

    /** Every option of every service, read before anything starts, so a mistake starts nothing. */
    record Settings(
            Role role,
            Config config,
            ClusterOptions cluster,
            FarmKeyOptions keys,
            NtpOptions ntp,
            NtsKeOptions ke,
            ControlOptions control,
            MetricsOptions metrics) {

        static Settings read(Role role, Config config) throws ConfigException {
            return new Settings(
                    role,
                    config,
                    ClusterOptions.fromConfig(config),
                    FarmKeyOptions.fromConfig(config),
                    role.ntp() ? NtpOptions.fromConfig(config) : null,
                    role.ke() ? NtsKeOptions.fromConfig(config) : null,
                    role == Role.ALL_IN_ONE || config.has("cmdport")
                            ? ControlOptions.fromConfig(config, ControlOptions.DEFAULT_FARM_PORT)
                            : null,
                    MetricsOptions.fromConfig(config));
        }
    }

    private final Settings settings;
    private final ServerStats stats = new ServerStats();
    private final Vertx vertx;
    private HazelcastInstance cluster;
    private FarmKeys keys;
    private AgentSyncStateSource agentSync;
    private NtpResponder ntp;
    private NtsKeServer ke;
    private ControlEndpoint control;
    private FarmBoard board;
    private ProcessMetrics processMetrics;
    private MetricsServer metrics;

    private Farm(Settings settings) {
        this.settings = settings;
        this.vertx = Vertx.vertx(vertxOptions());
    }

    /**
     * Vert.x for the process's TCP services (NTS-KE, control, metrics) on the native epoll
     * transport; the NTP responder runs on threads and sockets of its own.
     */
    static VertxOptions vertxOptions() {
        return new VertxOptions().setPreferNativeTransport(true);
    }

    /**
     * Starts the role's services from a configuration (blocking until all listen or one failed).
     */
    public static Farm start(Role role, Config config)
            throws ConfigException, IOException, StartFailure {
        return start(role, config, UnaryOperator.identity());
    }

    /**
     * As {@link #start(Role, Config)}, with the key options adjusted (tests: a short retention).
     */
    static Farm start(Role role, Config config, UnaryOperator<FarmKeyOptions> keyTuning)
            throws ConfigException, IOException, StartFailure {
        Settings s = Settings.read(role, config);
        s =
                new Settings(
                        s.role(),
                        s.config(),
                        s.cluster(),
                        keyTuning.apply(s.keys()),
                        s.ntp(),
                        s.ke(),
                        s.control(),
                        s.metrics());
        FarmSecret secret = secret(s);
        Farm farm = new Farm(s);
        try {
            await(farm.startAll(secret));
            return farm;
        } catch (StartFailure e) {
            farm.close();
            throw e;
        }
    }

    private static FarmSecret secret(Settings s) throws IOException, ConfigException {
        Path file = s.keys().farmSecretFile().orElse(null);
        if (file == null) {
            String source =
                    s.config().directives().isEmpty()
                            ? "configuration"
                            : s.config().directives().getLast().file();
            throw new ConfigException(
                    new ConfigError(
                            source,
                            0,
                            "farmsecret: missing (expected: farmsecret FILE, the secret every host of the farm shares)"));
        }
        // only the all-in-one farm makes a secret: a separate service given a mistyped path must
        // not
        // start a farm of its own whose cookies no responder opens
        return s.role() == Role.ALL_IN_ONE
                ? FarmSecretFile.readOrCreate(file, new SecureRandom())
                : FarmSecretFile.read(file);
    }

    private Future<Void> startAll(FarmSecret secret) {
        Future<HazelcastInstance> hz =
                settings.role().member()
                        ? FarmCluster.startMember(vertx, settings.cluster())
                        : FarmCluster.startClient(vertx, settings.cluster());
        return hz.compose(
                        instance -> {
                            cluster = instance;
                            return settings.role().member()
                                    ? FarmKeys.member(vertx, instance, settings.keys(), secret)
                                    : FarmKeys.reader(vertx, instance, settings.keys(), secret);
                        })
                .compose(
                        k -> {
                            keys = k;
                            if (!settings.role().ntp()) {
                                return Future.<SyncStateSource>succeededFuture(null);
                            }
                            NtpOptions options = settings.ntp();
                            SyncStateSource fallback = options.defaultSyncStateSource();
                            if (options.clockAgent().isEmpty()) {
                                return Future.succeededFuture(fallback);
                            }
                            agentSync =
                                    AgentSyncStateSource.create(
                                            vertx, options.clockAgent().get(), fallback);
                            return agentSync.start().map(v -> (SyncStateSource) agentSync);
                        })
                .compose(
                        sync -> {
                            if (sync == null) {
                                return Future.succeededFuture();
                            }
                            ntp =
                                    NtpResponder.create(
                                            vertx, settings.ntp(), stats, keys::current, sync);
                            return ntp.start().mapEmpty();
                        })
                .compose(
                        v -> {
                            if (!settings.role().ke()) {
                                return Future.succeededFuture();
                            }
                            NtsKeOptions options = settings.ke();
                            // one host serving both: a client must learn the responder's port when
                            // it is not 123
                            if (ntp != null
                                    && options.ntpPort().isEmpty()
                                    && ntp.port() != NtpOptions.DEFAULT_PORT) {
                                options = options.withNtpPort(OptionalInt.of(ntp.port()));
                            }
                            ke = new NtsKeServer(vertx, options, keys, stats, sessionTimes());
                            return ke.start().mapEmpty();
                        })
                .compose(
                        v -> {
                            if (settings.control() == null) {
                                return Future.succeededFuture();
                            }
                            int agentPort =
                                    settings.ntp() != null
                                                    && settings.ntp().clockAgent().isPresent()
                                            ? settings.ntp().clockAgent().get().port()
                                            : ControlOptions.DEFAULT_AGENT_PORT;
                            board =
                                    new FarmBoard(
                                            vertx,
                                            cluster,
                                            new FarmEntries(secret),
                                            settings.role().member() ? "member" : "client",
                                            services(),
                                            stats::snapshot);
                            control =
                                    ControlEndpoint.farm(
                                            vertx,
                                            settings.control(),
                                            new FarmControlAdapter(
                                                    stats, board, keys, this::clients),
                                            agentPort,
                                            line -> LOG.log(System.Logger.Level.INFO, line));
                            return control.start().compose(started -> board.start());
                        })
                .compose(
                        v -> {
                            metrics =
                                    new MetricsServer(vertx, settings.metrics(), processMetrics());
                            return metrics.start().mapEmpty();
                        });
    }

    /** chronyc's clients table: the most records it shows. */
    static final int MAX_CLIENTS = 1000;

    /** The responder's rate-limiter records as chronyc's clients rows (NTP columns). */
    private List<ClientReport> clients() {
        if (ntp == null) {
            return List.of();
        }
        return ntp.clientRecords(MAX_CLIENTS).stream()
                .map(
                        r ->
                                new ClientReport(
                                        r.address().getHostAddress(),
                                        r.hits(),
                                        r.drops(),
                                        r.intervalLog2(),
                                        r.penaltyLog2(),
                                        r.lastSecondsAgo(),
                                        0,
                                        0,
                                        ClientReport.UNKNOWN,
                                        -1))
                .toList();
    }

    /** What this process runs, as {@code members} shows it. */
    private String services() {
        List<String> s = new ArrayList<>();
        if (settings.role().ke()) {
            s.add("nts-ke");
        }
        if (settings.role().ntp()) {
            s.add("ntp");
        }
        s.add("control");
        return String.join(" ", s);
    }

    /**
     * The process's metrics, registered once: the shared counters, the NTS-KE sessions, the key
     * ring as this process holds it and the cluster's members, all read when scraped.
     */
    private ProcessMetrics processMetrics() {
        if (processMetrics == null) {
            processMetrics =
                    new ProcessMetrics(
                            "ntsfarm "
                                    + switch (settings.role()) {
                                        case ALL_IN_ONE -> "up";
                                        case NTS_KE -> "nts-ke";
                                        case NTP -> "ntp";
                                    },
                            settings.metrics());
            sessionTimes =
                    FarmMetrics.register(
                            processMetrics,
                            new FarmMetrics.Sources(
                                    stats,
                                    settings.role().ke()
                                            ? () -> ke != null ? ke.openSessions() : 0
                                            : null,
                                    new FarmMetrics.KeyRingView() {
                                        @Override
                                        public long currentSlot() {
                                            return keys.status().currentSlot();
                                        }

                                        @Override
                                        public double currentSlotAgeSeconds() {
                                            KeyRingStatus k = keys.status();
                                            double now = System.currentTimeMillis() / 1000.0;
                                            return Math.max(
                                                    0,
                                                    now
                                                            - (double) k.currentSlot()
                                                                    * k.rotateSeconds());
                                        }

                                        @Override
                                        public int slotsHeld() {
                                            return keys.status().slots().size();
                                        }
                                    },
                                    () -> keys.damagedEntriesIgnored(),
                                    () -> cluster.getCluster().getMembers().size()));
        }
        return processMetrics;
    }

    private LongConsumer sessionTimes;

    private LongConsumer sessionTimes() {
        processMetrics();
        return sessionTimes;
    }

    /** The farm's counters, shared by every service of this process. */
    public ServerStats stats() {
        return stats;
    }

    /** The farm's master keys as this process holds them. */
    public FarmKeys keys() {
        return keys;
    }

    /** The bound NTP port; -1 when this process runs no responder. */
    public int ntpPort() {
        return ntp != null ? ntp.port() : -1;
    }

    /**
     * Whether the responder serves the clock agent's state now (false without a responder or
     * agent).
     */
    public boolean clockAgentInUse() {
        return agentSync != null && agentSync.agentInUse();
    }

    /** The bound NTS-KE port; -1 when this process runs no key establishment. */
    public int ntsKePort() {
        return ke != null && !ke.ports().isEmpty() ? ke.ports().getFirst() : -1;
    }

    /** The metrics and status page port; -1 when this process serves none. */
    public int metricsPort() {
        return metrics != null ? metrics.port() : -1;
    }

    /** The farm control port; -1 when this process has no control endpoint. */
    public int cmdPort() {
        return control != null ? control.actualPort() : -1;
    }

    Settings settings() {
        return settings;
    }

    /** Takes a sample of the status page's history now, as its timer does every interval. */
    void sampleHistoryNow() {
        if (processMetrics != null) {
            processMetrics.history().sample(System.currentTimeMillis());
        }
    }

    /** What listens where, one line each, for the operator. */
    List<String> listening() {
        List<String> lines = new ArrayList<>();
        if (ntp != null) {
            List<String> binds =
                    settings.ntp().bindAddresses().stream().map(a -> a.getHostAddress()).toList();
            lines.add(
                    String.format(
                            "  NTP (NTS, symmetric keys) %5d/udp  %s",
                            ntp.port(),
                            binds.isEmpty() ? "every address" : String.join(", ", binds)));
            String without =
                    settings.ntp()
                            .local()
                            .map(l -> "local stratum " + l.stratum())
                            .orElse("unsynchronised");
            lines.add(
                    "  clock state               "
                            + (agentSync != null
                                    ? "clock agent at "
                                            + agentSync.endpoint()
                                            + " ("
                                            + without
                                            + " without it)"
                                    : without));
        }
        if (ke != null) {
            List<String> binds = settings.ke().bindAddresses();
            lines.add(
                    String.format(
                            "  NTS-KE (TLS 1.3)          %5d/tcp  %s",
                            ntsKePort(),
                            binds.isEmpty() ? "every address" : String.join(", ", binds)));
        }
        if (control != null) {
            lines.add(
                    String.format(
                            "  farm control (gRPC)       %5d/tcp  %s",
                            control.actualPort(), String.join(", ", control.listening())));
        }
        if (metrics != null && metrics.port() > 0) {
            lines.add(
                    String.format(
                            "  metrics, status page      %5d/tcp  %s (http://%s/metrics and /)",
                            metrics.port(),
                            String.join(", ", metrics.addresses()),
                            hostPort(metrics.addresses().getFirst(), metrics.port())));
        } else if (metrics != null) {
            lines.add("  metrics                   not served: " + metrics.notServing());
        }
        ClusterOptions c = settings.cluster();
        lines.add(
                settings.role().member()
                        ? "  Hazelcast member          cluster '"
                                + c.name()
                                + "' on "
                                + c.bindHost()
                                + (c.bindPort() == ClusterOptions.AUTO_PORT
                                        ? " (port 5701 or the next free one)"
                                        : ":" + c.bindPort())
                        : "  Hazelcast client          cluster '"
                                + c.name()
                                + "' via "
                                + (c.members().isEmpty()
                                        ? c.bindHost() + ":" + ClusterOptions.DEFAULT_MEMBER_PORT
                                        : String.join(
                                                ", ",
                                                c.members().stream()
                                                        .map(ClusterOptions.Member::address)
                                                        .toList())));
        return lines;
    }

    /**
     * SIGHUP's work: the NTS-KE service reads its key and certificate files again, the responder
     * its key file. Each part either takes what it read or, when that is broken, keeps what it had;
     * one line each says which, naming the file and the fault and never a key.
     */
    Future<List<String>> reload() {
        List<Future<String>> parts = new ArrayList<>();
        if (ke != null) {
            parts.add(
                    ke.reloadCertificates()
                            .map(now -> "NTS-KE certificates reloaded: " + now)
                            .otherwise(e -> "NTS-KE certificates not reloaded: " + e.getMessage()));
        }
        if (ntp != null) {
            parts.add(reloadKeyFile());
        }
        return Future.join(parts).map(done -> parts.stream().map(Future::result).toList());
    }

    private Future<String> reloadKeyFile() {
        Optional<Directive> line = settings.config().last("keyfile");
        if (line.isEmpty()) {
            return Future.succeededFuture("no keyfile to reload");
        }
        Path file = Path.of(line.get().args().getFirst());
        return vertx.executeBlocking(
                () -> {
                    String text;
                    try {
                        text = Files.readString(file, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "key file "
                                + file
                                + " not reloaded: cannot read it ("
                                + e.getClass().getSimpleName()
                                + "); the keys in use stay";
                    }
                    return switch (KeyFile.parse(file.toString(), text)) {
                        case KeyFileResult.Parsed p -> {
                            ntp.useKeyFile(p.keyFile());
                            yield "key file "
                                    + file
                                    + " reloaded: "
                                    + p.keyFile().keys().size()
                                    + " keys";
                        }
                        case KeyFileResult.Invalid inv ->
                                "key file not reloaded, the keys in use stay: "
                                        + String.join(
                                                "; ",
                                                inv.errors().stream()
                                                        .map(ConfigError::toString)
                                                        .toList());
                    };
                });
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Stops every service in the reverse order of start, then the cluster handle and Vert.x. */
    @Override
    public void close() {
        Future<Void> chain = Future.succeededFuture();
        if (metrics != null) {
            chain = chain.eventually(() -> metrics.stop());
        }
        if (board != null) {
            chain = chain.eventually(() -> board.stop());
        }
        if (control != null) {
            chain = chain.eventually(() -> control.stop());
        }
        if (ke != null) {
            chain = chain.eventually(() -> ke.stop());
        }
        if (ntp != null) {
            chain = chain.eventually(() -> ntp.stop());
        }
        if (agentSync != null) {
            chain = chain.eventually(() -> agentSync.stop());
        }
        if (keys != null) {
            chain = chain.eventually(() -> keys.close());
        }
        if (cluster != null) {
            chain = chain.eventually(() -> FarmCluster.shutdown(vertx, cluster));
        }
        chain = chain.eventually(vertx::close);
        try {
            await(chain);
        } catch (StartFailure e) {
            // stopping is best effort: what could not close goes with the process
        }
    }

    private static <T> T await(Future<T> f) throws StartFailure {
        try {
            return f.toCompletionStage()
                    .toCompletableFuture()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new StartFailure(e.getCause());
        } catch (TimeoutException e) {
            throw new StartFailure(
                    new TimeoutException("not done within " + TIMEOUT.toSeconds() + " s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartFailure(e);
        }
    }

    /**
     * A service could not start (a port taken, a cluster unreachable); the message says which and
     * why.
     */
    public static final class StartFailure extends Exception {
        StartFailure(Throwable cause) {
            super(cause.getMessage() != null ? cause.getMessage() : cause.toString(), cause);
        }
    }
}
