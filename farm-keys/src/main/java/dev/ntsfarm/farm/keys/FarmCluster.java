package dev.ntsfarm.farm.keys;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts this process's handle on the farm's Hazelcast cluster: a member (NTS-KE services, which
 * hold and create the seeds) or a client (NTP responders, which only read them). Multicast,
 * auto-detection and phone-home are off; members find each other by TCP-IP from the {@code cluster
 * member} list.
 *
 * <p>Hazelcast's start blocks for seconds, so the {@link Vertx} variants run it on a worker thread;
 * the plain variants are for callers already on one.
 */
public final class FarmCluster {

    /**
     * Seconds a new member waits for others before it forms a cluster of its own (Hazelcast: 5).
     */
    static final String WAIT_BEFORE_JOIN_SECONDS = "1";

    /**
     * Seconds a client call may take before it fails, so a lost cluster never holds a refresh long.
     */
    static final String CLIENT_INVOCATION_TIMEOUT_SECONDS = "5";

    /** The farm's own maps ({@link FarmStore.Space}), as a Hazelcast configuration pattern. */
    static final String FARM_MAPS = "ntsfarm.*";

    private static final System.Logger LOG = System.getLogger(FarmCluster.class.getName());

    /** Held strongly: java.util.logging forgets a logger's level once nothing references it. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private FarmCluster() {}

    /** Starts a member on a worker thread. */
    public static Future<HazelcastInstance> startMember(Vertx vertx, ClusterOptions options) {
        return vertx.executeBlocking(() -> newMember(options), false);
    }

    /**
     * Starts a client on a worker thread; fails when no member answers within the connect timeout.
     */
    public static Future<HazelcastInstance> startClient(Vertx vertx, ClusterOptions options) {
        return vertx.executeBlocking(() -> newClient(options), false);
    }

    /** Starts a member here (blocking). */
    public static HazelcastInstance newMember(ClusterOptions options) throws UnknownHostException {
        quietLogging();
        Config config = new Config();
        config.setClusterName(options.name());
        config.setInstanceName("ntsfarm-member-" + System.nanoTime());
        commonProperties(config::setProperty);
        config.getSerializationConfig().setJavaSerializationFilterConfig(serializationFilter());
        config.setProperty("hazelcast.wait.seconds.before.join", WAIT_BEFORE_JOIN_SECONDS);
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getJetConfig().setEnabled(false);
        config.getMetricsConfig().setEnabled(false);
        if (options.heartbeatSeconds() != ClusterOptions.HAZELCAST_DEFAULT) {
            config.setProperty(
                    "hazelcast.max.no.heartbeat.seconds",
                    String.valueOf(options.heartbeatSeconds()));
            config.setProperty(
                    "hazelcast.heartbeat.interval.seconds",
                    String.valueOf(Math.max(1, options.heartbeatSeconds() / 5)));
        }
        if (options.mergeSeconds() != ClusterOptions.HAZELCAST_DEFAULT) {
            config.setProperty(
                    "hazelcast.merge.first.run.delay.seconds",
                    String.valueOf(options.mergeSeconds()));
            config.setProperty(
                    "hazelcast.merge.next.run.delay.seconds",
                    String.valueOf(options.mergeSeconds()));
        }
        // after a split, the entries of the side that merges in go only where the other side has
        // none:
        // each side keeps its own seed of a slot both created, and the cluster's one wins (DESIGN
        // 3)
        config.getMapConfig(FARM_MAPS)
                .getMergePolicyConfig()
                .setPolicy(PutIfAbsentMergePolicy.class.getName());
        config.addListenerConfig(new ListenerConfig(new MembershipLog()));
        config.addListenerConfig(
                new ListenerConfig((LifecycleListener) FarmCluster::logMemberLifecycle));

        NetworkConfig network = config.getNetworkConfig();
        InetAddress bind = InetAddress.getByName(options.bindHost());
        if (bind.isAnyLocalAddress()) {
            // every interface, announcing the one Hazelcast picks
            config.setProperty("hazelcast.socket.bind.any", "true");
        } else {
            config.setProperty("hazelcast.socket.bind.any", "false");
            network.getInterfaces().setEnabled(true).clear().addInterface(bind.getHostAddress());
        }
        if (options.bindPort() == ClusterOptions.AUTO_PORT) {
            network.setPort(ClusterOptions.DEFAULT_MEMBER_PORT).setPortAutoIncrement(true);
        } else {
            network.setPort(options.bindPort()).setPortAutoIncrement(false);
        }
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).clear();
        for (ClusterOptions.Member m : options.members()) {
            join.getTcpIpConfig().addMember(m.address());
        }
        return Hazelcast.newHazelcastInstance(config);
    }

    /**
     * Starts a client here (blocking until it reaches a member). Once connected it reconnects in
     * the background after losing the cluster, and calls fail fast meanwhile, so a responder goes
     * on with the keys it holds.
     */
    public static HazelcastInstance newClient(ClusterOptions options) throws InterruptedException {
        quietLogging();
        CountDownLatch connected = new CountDownLatch(1);
        ClientConfig config = new ClientConfig();
        config.setClusterName(options.name());
        config.setInstanceName("ntsfarm-client-" + System.nanoTime());
        commonProperties(config::setProperty);
        config.getSerializationConfig().setJavaSerializationFilterConfig(serializationFilter());
        config.setProperty(
                "hazelcast.client.invocation.timeout.seconds", CLIENT_INVOCATION_TIMEOUT_SECONDS);
        config.setProperty("hazelcast.client.shutdownhook.enabled", "false");
        config.getMetricsConfig().setEnabled(false);
        if (options.heartbeatSeconds() != ClusterOptions.HAZELCAST_DEFAULT) {
            config.setProperty(
                    "hazelcast.client.heartbeat.timeout",
                    String.valueOf(options.heartbeatSeconds() * 1000L));
            config.setProperty(
                    "hazelcast.client.heartbeat.interval",
                    String.valueOf(Math.max(1000L, options.heartbeatSeconds() * 200L)));
        }
        config.getConnectionStrategyConfig()
                .setAsyncStart(true)
                .setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
        config.getConnectionStrategyConfig()
                .getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(Long.MAX_VALUE)
                .setInitialBackoffMillis(200)
                .setMaxBackoffMillis(5000);
        config.getNetworkConfig().setSmartRouting(true);
        if (options.members().isEmpty()) {
            config.getNetworkConfig()
                    .addAddress(
                            new ClusterOptions.Member(
                                            options.bindHost(), ClusterOptions.DEFAULT_MEMBER_PORT)
                                    .address());
        }
        for (ClusterOptions.Member m : options.members()) {
            config.getNetworkConfig().addAddress(m.address());
        }
        config.addListenerConfig(
                new ListenerConfig(
                        (LifecycleListener)
                                event -> {
                                    if (event.getState()
                                            == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) {
                                        if (connected.getCount() > 0) {
                                            connected.countDown();
                                        } else {
                                            LOG.log(
                                                    System.Logger.Level.INFO,
                                                    "cluster ''{0}'' reached again",
                                                    options.name());
                                        }
                                    } else if (event.getState()
                                            == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED) {
                                        LOG.log(
                                                System.Logger.Level.WARNING,
                                                "lost every member of cluster ''{0}'': going on with the keys"
                                                        + " held, reconnecting",
                                                options.name());
                                    } else if (event.getState()
                                            == LifecycleEvent.LifecycleState
                                                    .CLIENT_CHANGED_CLUSTER) {
                                        LOG.log(
                                                System.Logger.Level.WARNING,
                                                "cluster ''{0}'' is another cluster now (a healed split:"
                                                        + " its members merged); reading its keys afresh",
                                                options.name());
                                    }
                                }));
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        if (!connected.await(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            client.shutdown();
            throw new IllegalStateException(
                    "no member of cluster '"
                            + options.name()
                            + "' answered at "
                            + (options.members().isEmpty()
                                    ? options.bindHost() + ":" + ClusterOptions.DEFAULT_MEMBER_PORT
                                    : options.members().stream()
                                            .map(ClusterOptions.Member::address)
                                            .toList())
                            + " within "
                            + options.connectTimeout().toSeconds()
                            + " s");
        }
        return client;
    }

    /** Shuts {@code instance} down on a worker thread. */
    public static Future<Void> shutdown(Vertx vertx, HazelcastInstance instance) {
        return vertx.executeBlocking(
                () -> {
                    instance.shutdown();
                    return null;
                },
                false);
    }

    /**
     * Java deserialization limited to what Hazelcast itself sends that way (its own classes and the
     * exceptions of a failed remote call). The farm stores {@code byte[]} under {@code Long} and
     * {@code String} keys, which Hazelcast writes with its own serializers, so a peer's object of
     * any other class is refused before it is built: no gadget chain runs here.
     */
    static JavaSerializationFilterConfig serializationFilter() {
        JavaSerializationFilterConfig filter =
                new JavaSerializationFilterConfig().setDefaultsDisabled(true);
        filter.getWhitelist()
                .addPrefixes("com.hazelcast.", "java.lang.", "java.util.concurrent.")
                .addClasses(
                        "[Ljava.lang.StackTraceElement;",
                        "java.util.ArrayList",
                        "java.util.Collections$EmptyList",
                        "java.util.Collections$UnmodifiableList",
                        "java.util.Collections$UnmodifiableRandomAccessList",
                        "java.util.Collections$UnmodifiableCollection");
        return filter;
    }

    /**
     * What an operator needs to see of the cluster's shape: who joined, who left, how many remain.
     */
    private static final class MembershipLog implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent event) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "cluster member joined: {0} ({1} members now)",
                    event.getMember().getAddress(),
                    String.valueOf(event.getMembers().size()));
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cluster member gone: {0} ({1} members now)",
                    event.getMember().getAddress(),
                    String.valueOf(event.getMembers().size()));
        }
    }

    /** A split's healing as a member lives it. */
    private static void logMemberLifecycle(LifecycleEvent event) {
        switch (event.getState()) {
            case MERGING ->
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "the other side of a split is back: this member"
                                    + " merges into its cluster, whose entries win where both sides have one");
            case MERGED ->
                    LOG.log(System.Logger.Level.WARNING, "merged into the cluster after a split");
            case MERGE_FAILED -> LOG.log(System.Logger.Level.ERROR, "merging after a split failed");
            default -> {}
        }
    }

    private interface PropertySetter {
        Object set(String name, String value);
    }

    private static void commonProperties(PropertySetter p) {
        p.set("hazelcast.phone.home.enabled", "false");
        p.set("hazelcast.logging.type", "jdk");
        // the farm's figures are its own (the metrics module); Hazelcast's collector would walk
        // its probes, the JVM's MBeans and /proc every 5 s and compress them for a Management
        // Center nobody runs
        p.set("hazelcast.health.monitoring.level", "OFF");
    }

    /** Hazelcast talks a lot at INFO; warnings and errors are what an operator needs. */
    private static void quietLogging() {
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.setProperty("hazelcast.logging.type", "jdk");
        HAZELCAST_LOG.setLevel(Level.WARNING);
    }
}
