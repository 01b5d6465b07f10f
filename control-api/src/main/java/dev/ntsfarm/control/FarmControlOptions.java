package dev.ntsfarm.control;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the farm control endpoint listens (DESIGN 4 and 6): {@code cmdport} and {@code bindcmdaddress},
 * as chronyd reads them for its command port.
 *
 * @param port      the TCP port; 0 picks a free port (read it back with {@link FarmControlServer#actualPort()})
 * @param addresses the addresses to listen on, all on the same port; by default loopback only
 */
public record FarmControlOptions(int port, List<String> addresses) {

    /** The farm control port: chrony's 323 with 9000 added, so both fit on one host. */
    public static final int DEFAULT_CMD_PORT = 9323;
    /** Loopback only, as chronyd binds its command port unless {@code bindcmdaddress} says otherwise. */
    public static final List<String> DEFAULT_ADDRESSES = List.of("127.0.0.1", "::1");

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    public FarmControlOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range (expected: 0..65535): " + port);
        }
        addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address to listen on (expected: at least one)");
        }
    }

    /** Port 9323 on 127.0.0.1 and ::1. */
    public static FarmControlOptions defaults() {
        return new FarmControlOptions(DEFAULT_CMD_PORT, DEFAULT_ADDRESSES);
    }

    /** The same addresses on another port. */
    public FarmControlOptions withPort(int newPort) {
        return new FarmControlOptions(newPort, addresses);
    }

    /**
     * Reads {@code cmdport PORT} (the last one counts) and {@code bindcmdaddress ADDRESS} (one IPv4 and
     * one IPv6 address at most, as in chronyd; an address replaces the loopback default of its family).
     * {@code cmdport 0} binds an ephemeral port, where chronyd would disable its command port: the
     * farm's services all read port 0 that way, so tests run on ephemeral ports.
     */
    public static FarmControlOptions fromConfig(Config config) throws ConfigException {
        int port = DEFAULT_CMD_PORT;
        if (config.last("cmdport").isPresent()) {
            Directive d = config.last("cmdport").get();
            d.expectArgs(1, 1);
            port = d.integer(0, "a port number", 0, 65535);
        }
        String v4 = DEFAULT_ADDRESSES.get(0);
        String v6 = DEFAULT_ADDRESSES.get(1);
        for (Directive d : config.directives("bindcmdaddress")) {
            d.expectArgs(1, 1);
            String address = d.word(0, "an IP address");
            if (address.startsWith("/")) {
                throw d.fail("expected an IP address (the farm control endpoint speaks gRPC over TCP, not a Unix socket), got \""
                        + address + "\"");
            }
            if (IPV4.matcher(address).matches() && isAddress(address)) {
                v4 = address;
            } else if (address.indexOf(':') >= 0 && isAddress(address)) {
                v6 = address;
            } else {
                throw d.fail("expected an IP address, got \"" + address + "\"");
            }
        }
        List<String> addresses = new ArrayList<>();
        addresses.add(v4);
        addresses.add(v6);
        return new FarmControlOptions(port, addresses);
    }

    private static boolean isAddress(String literal) {
        try {
            // a literal only: no name lookup happens for a string of digits, dots and colons
            InetAddress.ofLiteral(literal);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
