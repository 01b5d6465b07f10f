package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import java.util.Objects;

/**
 * Where the host's clock agent answers gRPC: the farm's {@code clockagent HOST:PORT} directive
 * ({@code [ADDRESS]:PORT} for IPv6). The agent listens on chrony's command port by default, so the
 * default is {@code 127.0.0.1:323}; {@code clockagent none} never asks.
 *
 * @param host an address or host name, without brackets
 * @param port 1 to 65535
 */
public record ClockAgentEndpoint(String host, int port) {

    /** chronyd's command port, where the agent listens unless told otherwise. */
    public static final int DEFAULT_PORT = 323;

    /** The agent's control endpoint is on loopback by default. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** {@code clockagent 127.0.0.1:323}. */
    public static final ClockAgentEndpoint DEFAULT =
            new ClockAgentEndpoint(DEFAULT_HOST, DEFAULT_PORT);

    public ClockAgentEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException(
                    "clock agent " + host + ":" + port + " (expected: HOST:PORT, port 1..65535)");
        }
    }

    /**
     * Reads {@code clockagent HOST:PORT} or {@code clockagent none}; {@code null} for none.
     *
     * @throws ConfigException naming the file, the line and what was expected
     */
    static ClockAgentEndpoint from(Directive d) throws ConfigException {
        d.expectArgs(1, 1);
        String v = d.word(0);
        if (v.equalsIgnoreCase("none")) {
            return null;
        }
        int colon = v.lastIndexOf(':');
        String host = colon > 0 ? v.substring(0, colon) : "";
        String port = colon > 0 ? v.substring(colon + 1) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = ""; // an IPv6 address needs its brackets, or its port is ambiguous
        }
        if (host.isEmpty()
                || !port.matches("[0-9]{1,5}")
                || Integer.parseInt(port) < 1
                || Integer.parseInt(port) > 0xFFFF) {
            throw d.fail(
                    "expected HOST:PORT of the clock agent's control endpoint ([ADDRESS]:PORT for IPv6, "
                            + "port 1 to 65535) or none, got \""
                            + v
                            + "\"");
        }
        return new ClockAgentEndpoint(host, Integer.parseInt(port));
    }

    /** As the directive spells it. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
