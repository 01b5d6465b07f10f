package dev.ntsfarm.core.config;

import java.util.Objects;

/**
 * The farm's {@code cluster} directive: {@code cluster member HOST[:PORT]} (one per known member),
 * {@code cluster name NAME}, {@code cluster bind ADDRESS[:PORT]}, {@code cluster heartbeat SECONDS}
 * (how long a silent peer counts as alive) and {@code cluster merge SECONDS} (how often the sides
 * of a split look for each other). IPv6 addresses with a port go in brackets ({@code [::1]:5701}).
 */
public sealed interface ClusterDirective {

    /** Hazelcast's default member port. */
    int DEFAULT_PORT = 5701;

    /** A member to join. */
    record Member(String host, int port) implements ClusterDirective {
        public Member {
            Objects.requireNonNull(host, "host");
        }
    }

    /** The cluster's name; members of different names do not join. */
    record Name(String name) implements ClusterDirective {
        public Name {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Most seconds {@code heartbeat} and {@code merge} take: an hour. */
    int MAX_SECONDS = 3600;

    /**
     * Seconds without a word from a member (or, for a client, from its member) before it counts as
     * gone.
     */
    record Heartbeat(int seconds) implements ClusterDirective {}

    /** Seconds between a member's looks for the other side of a split, to merge with it. */
    record Merge(int seconds) implements ClusterDirective {}

    /** The address and port this member listens on. */
    record Bind(String host, int port) implements ClusterDirective {
        public Bind {
            Objects.requireNonNull(host, "host");
        }
    }

    static ClusterDirective from(Directive d) throws ConfigException {
        if (!d.name().equals("cluster")) {
            throw d.fail("expected a cluster directive");
        }
        String kind = d.word(0, "member, name, bind, heartbeat or merge");
        d.expectArgs(2, 2);
        String value = d.args().get(1);
        return switch (Directive.lower(kind)) {
            case "member" -> {
                HostPort hp = HostPort.parse(d, value);
                yield new Member(hp.host(), hp.port());
            }
            case "bind" -> {
                HostPort hp = HostPort.parse(d, value);
                yield new Bind(hp.host(), hp.port());
            }
            case "name" -> new Name(value);
            case "heartbeat" ->
                    new Heartbeat(
                            d.checkInteger(
                                    value, "a heartbeat timeout in seconds", 2, MAX_SECONDS));
            case "merge" ->
                    new Merge(d.checkInteger(value, "a merge interval in seconds", 1, MAX_SECONDS));
            default ->
                    throw d.fail(
                            "expected member, name, bind, heartbeat or merge, got "
                                    + Directive.quote(kind));
        };
    }

    /** The directive line. */
    default String toLine() {
        return switch (this) {
            case Member m -> "cluster member " + HostPort.format(m.host(), m.port());
            case Bind b -> "cluster bind " + HostPort.format(b.host(), b.port());
            case Name n -> "cluster name " + n.name();
            case Heartbeat h -> "cluster heartbeat " + h.seconds();
            case Merge m -> "cluster merge " + m.seconds();
        };
    }

    /** HOST[:PORT] with IPv6 in brackets. */
    record HostPort(String host, int port) {

        static HostPort parse(Directive d, String s) throws ConfigException {
            String host = s;
            String port = null;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0 || (close + 1 < s.length() && s.charAt(close + 1) != ':')) {
                    throw d.fail("expected [IPV6]:PORT, got " + Directive.quote(s));
                }
                host = s.substring(1, close);
                port = close + 1 < s.length() ? s.substring(close + 2) : null;
            } else {
                int colon = s.indexOf(':');
                if (colon >= 0 && colon == s.lastIndexOf(':')) {
                    host = s.substring(0, colon);
                    port = s.substring(colon + 1);
                }
            }
            if (host.isEmpty()) {
                throw d.fail("expected HOST[:PORT], got " + Directive.quote(s));
            }
            int p = port == null ? DEFAULT_PORT : d.checkInteger(port, "a port number", 1, 65535);
            return new HostPort(host, p);
        }

        static String format(String host, int port) {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
