package dev.ntsfarm.ke.service;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import dev.ntsfarm.core.config.RateLimit;
import dev.ntsfarm.core.ke.KeLimits;
import dev.ntsfarm.core.ke.KeProtocol;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The NTS-KE server's settings, from chrony's directives and the farm's {@code ntsntpport}:
 *
 * <pre>
 *   ntsport PORT              TCP port (4460); 0 for any free port
 *   bindaddress ADDRESS       listen there only (repeatable); default: every IPv4 and IPv6 address
 *   ntsserverkey FILE         PEM private key, paired by order with
 *   ntsservercert FILE        PEM certificate chain, server certificate first (several pairs: by SNI)
 *   ntsaeads ID...            AEADs in server preference (chrony's default "30 15"; 16 and 17 too)
 *   ntsntpserver NAME         NTPv4 server clients should use (Server Negotiation record)
 *   ntsntpport PORT           NTPv4 port clients should use, e.g. a balancer's (Port Negotiation record)
 *   maxntsconnections N       sessions open at once (chrony's default 100); more are dropped
 *   ntsratelimit [interval N] [burst N] [leak N]   per-address connection limit (off unless given)
 * </pre>
 */
public record NtsKeOptions(
        int port,
        List<String> bindAddresses,
        List<KeyCertPair> keyCertPairs,
        List<AeadAlgorithm> aeads,
        Optional<String> ntpServer,
        OptionalInt ntpPort,
        int maxConnections,
        Optional<RateLimit> rateLimit,
        Duration sessionTimeout,
        int maxMessageLength,
        int instances) {

    /** chrony's {@code ntsport} default, the IANA NTS-KE port. */
    public static final int DEFAULT_PORT = KeProtocol.DEFAULT_PORT;

    /** chrony's {@code ntsaeads} default: AES-128-GCM-SIV, then AES-SIV-CMAC-256. */
    public static final List<AeadAlgorithm> DEFAULT_AEADS =
            List.of(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256);

    /** chrony's {@code maxntsconnections} default. */
    public static final int DEFAULT_MAX_CONNECTIONS = 100;

    /** chrony's NTS-KE server session timeout. */
    public static final Duration DEFAULT_SESSION_TIMEOUT =
            Duration.ofMillis(KeLimits.SERVER_IDLE_TIMEOUT_MILLIS);

    /** chrony's {@code NKE_MAX_MESSAGE_LENGTH}. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = KeLimits.MAX_MESSAGE_LENGTH;

    /** Listening everywhere: the IPv6 wildcard, which takes IPv4 as well where the host allows. */
    public static final List<String> DEFAULT_BIND_ADDRESSES = List.of();

    /** One private key and the certificate chain that goes with it. */
    public record KeyCertPair(Path key, Path certChain) {
        public KeyCertPair {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(certChain, "certChain");
        }
    }

    public NtsKeOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 0..65535)");
        }
        bindAddresses = List.copyOf(bindAddresses);
        keyCertPairs = List.copyOf(keyCertPairs);
        aeads = List.copyOf(new LinkedHashSet<>(aeads));
        if (aeads.isEmpty()) {
            throw new IllegalArgumentException("no AEAD (expected: at least one)");
        }
        Objects.requireNonNull(ntpServer, "ntpServer");
        Objects.requireNonNull(ntpPort, "ntpPort");
        if (maxConnections < 1) {
            throw new IllegalArgumentException(
                    "max connections " + maxConnections + " (expected: >= 1)");
        }
        Objects.requireNonNull(rateLimit, "rateLimit");
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "session timeout " + sessionTimeout + " (expected: > 0)");
        }
        if (maxMessageLength < KeLimits.MIN_ACCEPTED_REQUEST_LENGTH
                || maxMessageLength > KeLimits.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException(
                    "max message length "
                            + maxMessageLength
                            + " (expected: "
                            + KeLimits.MIN_ACCEPTED_REQUEST_LENGTH
                            + ".."
                            + KeLimits.MAX_MESSAGE_LENGTH
                            + ")");
        }
        if (instances < 1) {
            throw new IllegalArgumentException("instances " + instances + " (expected: >= 1)");
        }
    }

    /** chrony's defaults, no certificate yet, one event loop per core. */
    public static NtsKeOptions defaults() {
        return new NtsKeOptions(
                DEFAULT_PORT,
                DEFAULT_BIND_ADDRESSES,
                List.of(),
                DEFAULT_AEADS,
                Optional.empty(),
                OptionalInt.empty(),
                DEFAULT_MAX_CONNECTIONS,
                Optional.empty(),
                DEFAULT_SESSION_TIMEOUT,
                DEFAULT_MAX_MESSAGE_LENGTH,
                Runtime.getRuntime().availableProcessors());
    }

    /** Reads the directives above; a mistake names the file, the line and what was expected. */
    public static NtsKeOptions fromConfig(Config config) throws ConfigException {
        NtsKeOptions o = defaults();
        Optional<Directive> port = config.last("ntsport");
        if (port.isPresent()) {
            port.get().expectArgs(1, 1);
            o = o.withPort(port.get().integer(0, "a port number", 0, 65535));
        }
        List<String> binds = new ArrayList<>();
        for (Directive d : config.directives("bindaddress")) {
            d.expectArgs(1, 1);
            String address = d.word(0, "an IP address");
            if (!isAddressLiteral(address)) {
                throw d.fail("expected an IPv4 or IPv6 address, got \"" + address + "\"");
            }
            binds.add(address);
        }
        List<Directive> keys = config.directives("ntsserverkey");
        List<Directive> certs = config.directives("ntsservercert");
        for (Directive d : keys) {
            d.expectArgs(1, 1);
        }
        for (Directive d : certs) {
            d.expectArgs(1, 1);
        }
        if (keys.size() != certs.size()) {
            Directive extra =
                    keys.size() > certs.size() ? keys.get(certs.size()) : certs.get(keys.size());
            throw extra.fail(
                    "expected as many ntsserverkey as ntsservercert directives, paired in order (got "
                            + keys.size()
                            + " keys and "
                            + certs.size()
                            + " certificates)");
        }
        List<KeyCertPair> pairs = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            pairs.add(
                    new KeyCertPair(
                            Path.of(keys.get(i).args().getFirst()),
                            Path.of(certs.get(i).args().getFirst())));
        }
        List<AeadAlgorithm> aeads = DEFAULT_AEADS;
        Optional<Directive> aeadLine = config.last("ntsaeads");
        if (aeadLine.isPresent()) {
            Directive d = aeadLine.get();
            d.expectArgs(1, AeadAlgorithm.values().length);
            aeads = new ArrayList<>();
            for (int i = 0; i < d.size(); i++) {
                int id = d.integer(i, "an AEAD id (15, 16, 17 or 30)", 0, 65535);
                AeadAlgorithm a = AeadAlgorithm.fromId(id);
                if (a == null) {
                    throw d.fail("expected an AEAD id (15, 16, 17 or 30), got \"" + id + "\"");
                }
                aeads.add(a);
            }
        }
        Optional<String> ntpServer = Optional.empty();
        Optional<Directive> server = config.last("ntsntpserver");
        if (server.isPresent()) {
            server.get().expectArgs(1, 1);
            String name = server.get().args().getFirst();
            if (name.length() > KeLimits.MAX_SERVER_NAME_LENGTH
                    || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw server.get()
                        .fail(
                                "expected a host name or address of printable ASCII, got \""
                                        + name
                                        + "\"");
            }
            ntpServer = Optional.of(name);
        }
        OptionalInt ntpPort = OptionalInt.empty();
        Optional<Directive> portLine = config.last("ntsntpport");
        if (portLine.isPresent()) {
            portLine.get().expectArgs(1, 1);
            ntpPort = OptionalInt.of(portLine.get().integer(0, "a port number", 1, 65535));
        }
        int max = o.maxConnections();
        Optional<Directive> maxLine = config.last("maxntsconnections");
        if (maxLine.isPresent()) {
            maxLine.get().expectArgs(1, 1);
            max = maxLine.get().integer(0, "a number of connections", 1, Integer.MAX_VALUE);
        }
        Optional<RateLimit> rate = Optional.empty();
        Optional<Directive> rateLine = config.last("ntsratelimit");
        if (rateLine.isPresent()) {
            rate = Optional.of(RateLimit.from(rateLine.get()));
        }
        return new NtsKeOptions(
                o.port(),
                binds,
                pairs,
                aeads,
                ntpServer,
                ntpPort,
                max,
                rate,
                o.sessionTimeout(),
                o.maxMessageLength(),
                o.instances());
    }

    private static boolean isAddressLiteral(String s) {
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

    public NtsKeOptions withPort(int port) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                keyCertPairs,
                aeads,
                ntpServer,
                ntpPort,
                maxConnections,
                rateLimit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withBindAddresses(List<String> addresses) {
        return new NtsKeOptions(
                port,
                addresses,
                keyCertPairs,
                aeads,
                ntpServer,
                ntpPort,
                maxConnections,
                rateLimit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withKeyCertPairs(List<KeyCertPair> pairs) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                pairs,
                aeads,
                ntpServer,
                ntpPort,
                maxConnections,
                rateLimit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withAeads(List<AeadAlgorithm> aeads) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                keyCertPairs,
                aeads,
                ntpServer,
                ntpPort,
                maxConnections,
                rateLimit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withNtpServer(Optional<String> server) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                keyCertPairs,
                aeads,
                server,
                ntpPort,
                maxConnections,
                rateLimit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withNtpPort(OptionalInt ntpPort) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                keyCertPairs,
                aeads,
                ntpServer,
                ntpPort,
                maxConnections,
                rateLimit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withMaxConnections(int max) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                keyCertPairs,
                aeads,
                ntpServer,
                ntpPort,
                max,
                rateLimit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withRateLimit(Optional<RateLimit> limit) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                keyCertPairs,
                aeads,
                ntpServer,
                ntpPort,
                maxConnections,
                limit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withSessionTimeout(Duration timeout) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                keyCertPairs,
                aeads,
                ntpServer,
                ntpPort,
                maxConnections,
                rateLimit,
                timeout,
                maxMessageLength,
                instances);
    }

    public NtsKeOptions withInstances(int instances) {
        return new NtsKeOptions(
                port,
                bindAddresses,
                keyCertPairs,
                aeads,
                ntpServer,
                ntpPort,
                maxConnections,
                rateLimit,
                sessionTimeout,
                maxMessageLength,
                instances);
    }
}
