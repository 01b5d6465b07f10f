package dev.ntsfarm.farm.keys;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts this process's handle on the farm's Hazelcast cluster: a member (NTS-KE services, which hold
 * and create the seeds) or a client (NTP responders, which only read them). Multicast, auto-detection
 * and phone-home are off; members find each other by TCP-IP from the {@code cluster member} list.
 *
 * <p>Hazelcast's start blocks for seconds, so the {@link Vertx} variants run it on a worker thread; the
 * plain variants are for callers already on one.
 */
public final class FarmCluster {

    /** Seconds a new member waits for others before it forms a cluster of its own (Hazelcast: 5). */
    static final String WAIT_BEFORE_JOIN_SECONDS = "1";
    /** Seconds a client call may take before it fails, so a lost cluster never holds a refresh long. */
    static final String CLIENT_INVOCATION_TIMEOUT_SECONDS = "5";

    /** Held strongly: java.util.logging forgets a logger's level once nothing references it. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private FarmCluster() {
    }

    /** Starts a member on a worker thread. */
    public static Future<HazelcastInstance> startMember(Vertx vertx, ClusterOptions options) {
        return vertx.executeBlocking(() -> newMember(options), false);
    }

    /** Starts a client on a worker thread; fails when no member answers within the connect timeout. */
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
     * Starts a client here (blocking until it reaches a member). Once connected it reconnects in the
     * background after losing the cluster, and calls fail fast meanwhile, so a responder goes on
     * with the keys it holds.
     */
    public static HazelcastInstance newClient(ClusterOptions options) throws InterruptedException {
        quietLogging();
        CountDownLatch connected = new CountDownLatch(1);
        ClientConfig config = new ClientConfig();
        config.setClusterName(options.name());
        config.setInstanceName("ntsfarm-client-" + System.nanoTime());
        commonProperties(config::setProperty);
        config.getSerializationConfig().setJavaSerializationFilterConfig(serializationFilter());
        config.setProperty("hazelcast.client.invocation.timeout.seconds", CLIENT_INVOCATION_TIMEOUT_SECONDS);
        config.setProperty("hazelcast.client.shutdownhook.enabled", "false");
        config.getConnectionStrategyConfig()
                .setAsyncStart(true)
                .setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
        config.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(Long.MAX_VALUE)
                .setInitialBackoffMillis(200)
                .setMaxBackoffMillis(5000);
        config.getNetworkConfig().setSmartRouting(true);
        if (options.members().isEmpty()) {
            config.getNetworkConfig().addAddress(
                    new ClusterOptions.Member(options.bindHost(), ClusterOptions.DEFAULT_MEMBER_PORT).address());
        }
        for (ClusterOptions.Member m : options.members()) {
            config.getNetworkConfig().addAddress(m.address());
        }
        config.addListenerConfig(new ListenerConfig((LifecycleListener) event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) {
                connected.countDown();
            }
        }));
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        if (!connected.await(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            client.shutdown();
            throw new IllegalStateException("no member of cluster '" + options.name() + "' answered at "
                    + (options.members().isEmpty() ? options.bindHost() + ":" + ClusterOptions.DEFAULT_MEMBER_PORT
                            : options.members().stream().map(ClusterOptions.Member::address).toList())
                    + " within " + options.connectTimeout().toSeconds() + " s");
        }
        return client;
    }

    /** Shuts {@code instance} down on a worker thread. */
    public static Future<Void> shutdown(Vertx vertx, HazelcastInstance instance) {
        return vertx.executeBlocking(() -> {
            instance.shutdown();
            return null;
        }, false);
    }

    /**
     * Java deserialization limited to what Hazelcast itself sends that way (its own classes and the
     * exceptions of a failed remote call). The farm stores {@code byte[]} under {@code Long} and
     * {@code String} keys, which Hazelcast writes with its own serializers, so a peer's object of any
     * other class is refused before it is built: no gadget chain runs here.
     */
    static JavaSerializationFilterConfig serializationFilter() {
        JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
        filter.getWhitelist()
                .addPrefixes("com.hazelcast.", "java.lang.", "java.util.concurrent.")
                .addClasses("[Ljava.lang.StackTraceElement;", "java.util.ArrayList", "java.util.Collections$EmptyList",
                        "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableRandomAccessList",
                        "java.util.Collections$UnmodifiableCollection");
        return filter;
    }

    private interface PropertySetter {
        Object set(String name, String value);
    }

    private static void commonProperties(PropertySetter p) {
        p.set("hazelcast.phone.home.enabled", "false");
        p.set("hazelcast.logging.type", "jdk");
    }

    /** Hazelcast talks a lot at INFO; warnings and errors are what an operator needs. */
    private static void quietLogging() {
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.setProperty("hazelcast.logging.type", "jdk");
        HAZELCAST_LOG.setLevel(Level.WARNING);
    }
}
