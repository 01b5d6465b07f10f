package dev.ntsfarm.farm.keys;

import dev.ntsfarm.core.config.ClusterDirective;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How this process finds the farm's Hazelcast cluster, from the {@code cluster} directives:
 *
 * <pre>
 *   cluster name NAME          the cluster's name; members of other names never join (default ntsfarm)
 *   cluster member HOST:PORT   a member to join, repeatable (TCP-IP join; multicast is always off)
 *   cluster bind HOST:PORT     where this member listens (default 127.0.0.1, port 5701 counting up)
 *   cluster heartbeat SECONDS  a member (for a client: its member) silent that long counts as gone
 *                              (default Hazelcast's 60); heartbeats go every fifth of it
 *   cluster merge SECONDS      how often each side of a split looks for the other to merge with it
 *                              (default Hazelcast's: first after 300, then every 120)
 * </pre>
 *
 * @param name the cluster name
 * @param members members to join ({@code HOST:PORT}); a member with none forms a cluster of its
 *     own; a client with none tries {@code bindHost:5701}
 * @param bindHost the address this member binds and announces
 * @param bindPort the member port; {@link #AUTO_PORT} for Hazelcast's own choice (5701, counting up
 *     while taken); {@code 0} for an ephemeral port (tests)
 * @param connectTimeout how long a client waits for a first member before it gives up
 * @param heartbeatSeconds {@code cluster heartbeat}; {@link #HAZELCAST_DEFAULT} for Hazelcast's own
 * @param mergeSeconds {@code cluster merge}; {@link #HAZELCAST_DEFAULT} for Hazelcast's own
 */
public record ClusterOptions(
        String name,
        List<Member> members,
        String bindHost,
        int bindPort,
        Duration connectTimeout,
        int heartbeatSeconds,
        int mergeSeconds) {

    /** Default {@code cluster name}. */
    public static final String DEFAULT_NAME = "ntsfarm";

    /** Default {@code cluster bind} address: loopback, so a farm spans hosts only when told to. */
    public static final String DEFAULT_BIND_HOST = "127.0.0.1";

    /** Bind port meaning "Hazelcast's default port, counting up while taken". */
    public static final int AUTO_PORT = -1;

    /** Hazelcast's default member port, where {@link #AUTO_PORT} starts. */
    public static final int DEFAULT_MEMBER_PORT = ClusterDirective.DEFAULT_PORT;

    /** {@code heartbeat} or {@code merge} left to Hazelcast's defaults. */
    public static final int HAZELCAST_DEFAULT = 0;

    /** How long a client waits for a first member by default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** A member address. */
    public record Member(String host, int port) {
        public Member {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("member port " + port + " (expected: 1..65535)");
            }
        }

        /** {@code HOST:PORT}, IPv6 in brackets, as Hazelcast takes it. */
        public String address() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public ClusterOptions {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        Objects.requireNonNull(bindHost, "bindHost");
        if (bindPort != AUTO_PORT && (bindPort < 0 || bindPort > 65535)) {
            throw new IllegalArgumentException(
                    "bind port " + bindPort + " (expected: 0..65535 or AUTO_PORT)");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (heartbeatSeconds < 0
                || heartbeatSeconds == 1
                || heartbeatSeconds > ClusterDirective.MAX_SECONDS) {
            throw new IllegalArgumentException(
                    "heartbeat "
                            + heartbeatSeconds
                            + " s (expected: 2.."
                            + ClusterDirective.MAX_SECONDS
                            + " or HAZELCAST_DEFAULT)");
        }
        if (mergeSeconds < 0 || mergeSeconds > ClusterDirective.MAX_SECONDS) {
            throw new IllegalArgumentException(
                    "merge "
                            + mergeSeconds
                            + " s (expected: 1.."
                            + ClusterDirective.MAX_SECONDS
                            + " or HAZELCAST_DEFAULT)");
        }
    }

    /** Every default: a cluster of one on loopback. */
    public static ClusterOptions defaults() {
        return new ClusterOptions(
                DEFAULT_NAME,
                List.of(),
                DEFAULT_BIND_HOST,
                AUTO_PORT,
                DEFAULT_CONNECT_TIMEOUT,
                HAZELCAST_DEFAULT,
                HAZELCAST_DEFAULT);
    }

    /** Reads the {@code cluster} directives; a mistake names the file and line. */
    public static ClusterOptions fromConfig(Config config) throws ConfigException {
        String name = DEFAULT_NAME;
        List<Member> members = new ArrayList<>();
        String bindHost = DEFAULT_BIND_HOST;
        int bindPort = AUTO_PORT;
        int heartbeat = HAZELCAST_DEFAULT;
        int merge = HAZELCAST_DEFAULT;
        for (Directive d : config.directives("cluster")) {
            switch (ClusterDirective.from(d)) {
                case ClusterDirective.Name n -> name = n.name();
                case ClusterDirective.Member m -> members.add(new Member(m.host(), m.port()));
                case ClusterDirective.Bind b -> {
                    bindHost = b.host();
                    bindPort = b.port();
                }
                case ClusterDirective.Heartbeat h -> heartbeat = h.seconds();
                case ClusterDirective.Merge m -> merge = m.seconds();
            }
        }
        return new ClusterOptions(
                name, members, bindHost, bindPort, DEFAULT_CONNECT_TIMEOUT, heartbeat, merge);
    }

    public ClusterOptions withName(String name) {
        return new ClusterOptions(
                name, members, bindHost, bindPort, connectTimeout, heartbeatSeconds, mergeSeconds);
    }

    public ClusterOptions withMembers(List<Member> members) {
        return new ClusterOptions(
                name, members, bindHost, bindPort, connectTimeout, heartbeatSeconds, mergeSeconds);
    }

    public ClusterOptions withBind(String host, int port) {
        return new ClusterOptions(
                name, members, host, port, connectTimeout, heartbeatSeconds, mergeSeconds);
    }

    public ClusterOptions withConnectTimeout(Duration timeout) {
        return new ClusterOptions(
                name, members, bindHost, bindPort, timeout, heartbeatSeconds, mergeSeconds);
    }

    public ClusterOptions withHeartbeat(int seconds) {
        return new ClusterOptions(
                name, members, bindHost, bindPort, connectTimeout, seconds, mergeSeconds);
    }

    public ClusterOptions withMerge(int seconds) {
        return new ClusterOptions(
                name, members, bindHost, bindPort, connectTimeout, heartbeatSeconds, seconds);
    }
}
