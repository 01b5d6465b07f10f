package dev.ntsfarm.metrics;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a process serves its metrics and status page, from the farm's directives:
 *
 * <pre>
 *   metricsport N             TCP port (9975, as ntpd-rs's exporter); 0 for any free port
 *   bindmetricsaddress ADDR   listen there (repeatable); default 127.0.0.1 and ::1
 * </pre>
 *
 * @param port the port to bind, 0 for an ephemeral one
 * @param portGiven whether {@code metricsport} was in the configuration: only then is a port in use
 *     an error, since several processes of one host share the default
 * @param addresses the addresses to bind, in order
 * @param historyInterval how often the status page's history takes a sample
 */
public record MetricsOptions(
        int port, boolean portGiven, List<String> addresses, Duration historyInterval) {

    /** The default port: ntpd-rs's Prometheus exporter's. */
    public static final int DEFAULT_PORT = 9975;

    /** Loopback only, IPv4 and IPv6, as chronyd's command port. */
    public static final List<String> DEFAULT_ADDRESSES = List.of("127.0.0.1", "::1");

    /** One sample every 10 s: an hour of history is 360 samples. */
    public static final Duration DEFAULT_HISTORY_INTERVAL = Duration.ofSeconds(10);

    /** How far back the status page looks. */
    public static final Duration HISTORY_SPAN = Duration.ofHours(1);

    public MetricsOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 0..65535)");
        }
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address (expected: at least one)");
        }
        Objects.requireNonNull(historyInterval, "historyInterval");
        if (historyInterval.isNegative() || historyInterval.isZero()) {
            throw new IllegalArgumentException(
                    "history interval " + historyInterval + " (expected: > 0)");
        }
    }

    public static MetricsOptions defaults() {
        return new MetricsOptions(DEFAULT_PORT, false, DEFAULT_ADDRESSES, DEFAULT_HISTORY_INTERVAL);
    }

    /**
     * Reads {@code metricsport} and {@code bindmetricsaddress}; a mistake names file, line and what
     * was expected.
     */
    public static MetricsOptions fromConfig(Config config) throws ConfigException {
        int port = DEFAULT_PORT;
        Optional<Directive> portLine = config.last("metricsport");
        if (portLine.isPresent()) {
            portLine.get().expectArgs(1, 1);
            port = portLine.get().integer(0, "a port number", 0, 65535);
        }
        List<String> addresses = new ArrayList<>();
        for (Directive d : config.directives("bindmetricsaddress")) {
            d.expectArgs(1, 1);
            String a = d.word(0, "an IP address");
            if (!isAddressLiteral(a)) {
                throw d.fail("expected an IPv4 or IPv6 address, got \"" + a + "\"");
            }
            addresses.add(a);
        }
        return new MetricsOptions(
                port,
                portLine.isPresent(),
                addresses.isEmpty() ? DEFAULT_ADDRESSES : addresses,
                DEFAULT_HISTORY_INTERVAL);
    }

    public MetricsOptions withPort(int port) {
        return new MetricsOptions(port, true, addresses, historyInterval);
    }

    public MetricsOptions withHistoryInterval(Duration interval) {
        return new MetricsOptions(port, portGiven, addresses, interval);
    }

    /** Samples kept: an hour's worth at the interval, plus the one that starts the hour. */
    public int historySamples() {
        return (int) (HISTORY_SPAN.toMillis() / historyInterval.toMillis()) + 1;
    }

    static boolean isAddressLiteral(String s) {
        try {
            if (s.indexOf(':') >= 0) {
                InetAddress.ofLiteral(s);
                return true;
            }
            return s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && InetAddress.ofLiteral(s) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
