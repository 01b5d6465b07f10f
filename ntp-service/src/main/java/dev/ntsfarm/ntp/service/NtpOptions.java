package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigError;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import dev.ntsfarm.core.config.LocalDirective;
import dev.ntsfarm.core.config.RateLimit;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.KeyFileResult;
import dev.ntsfarm.core.ntp.ClientRateLimiter;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The responder's settings, read from chrony's directives: {@code port}, {@code bindaddress},
 * {@code allow}/{@code deny}, {@code ratelimit}, {@code local} and {@code keyfile}, and the farm's
 * {@code clockagent HOST:PORT} (the host's clock agent, asked for the clock state to serve; default
 * {@code 127.0.0.1:323}, {@code none} never asks). Immutable; the {@code with*} methods return a
 * changed copy.
 *
 * <p>Departures from chronyd, each for a reason: {@code port 0} binds an ephemeral port (chronyd
 * serves no NTP then), since a farm responder that serves nothing has no use and tests need
 * ephemeral ports; {@code ratelimit} also takes chrony 4.6's {@code kod N} option (chrony 4.3
 * rejects it).
 */
public final class NtpOptions {

    /** NTP's port (RFC 5905). */
    public static final int DEFAULT_PORT = 123;

    /** One socket and event loop per core (DESIGN section 8). */
    public static final int DEFAULT_EVENT_LOOPS = Runtime.getRuntime().availableProcessors();

    /** chrony's default {@code clientloglimit}: 512 KiB for the client log. */
    public static final int DEFAULT_CLIENT_LOG_LIMIT = 524_288;

    /** chrony's default for {@code ratelimit kod}: no KoD RATE, drops only. */
    public static final int DEFAULT_RATELIMIT_KOD = 0;

    private final int port;
    private final List<InetAddress> bindAddresses;
    private final List<AccessRule> accessRules;
    private final RateLimit rateLimit;
    private final int rateLimitKod;
    private final LocalDirective local;
    private final KeyFile keyFile;
    private final int eventLoops;
    private final ClockAgentEndpoint clockAgent;
    private final int clientLogLimit;

    private NtpOptions(
            int port,
            List<InetAddress> bindAddresses,
            List<AccessRule> accessRules,
            RateLimit rateLimit,
            int rateLimitKod,
            LocalDirective local,
            KeyFile keyFile,
            int eventLoops,
            ClockAgentEndpoint clockAgent) {
        this(
                port,
                bindAddresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                DEFAULT_CLIENT_LOG_LIMIT);
    }

    private NtpOptions(
            int port,
            List<InetAddress> bindAddresses,
            List<AccessRule> accessRules,
            RateLimit rateLimit,
            int rateLimitKod,
            LocalDirective local,
            KeyFile keyFile,
            int eventLoops,
            ClockAgentEndpoint clockAgent,
            int clientLogLimit) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " (expected: 0..65535)");
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("event loops " + eventLoops + " (expected: >= 1)");
        }
        if (rateLimitKod < ClientRateLimiter.MIN_KOD || rateLimitKod > ClientRateLimiter.MAX_KOD) {
            throw new IllegalArgumentException(
                    "ratelimit kod " + rateLimitKod + " (expected: 0..4)");
        }
        this.port = port;
        this.bindAddresses = List.copyOf(bindAddresses);
        this.accessRules = List.copyOf(accessRules);
        this.rateLimit = rateLimit;
        this.rateLimitKod = rateLimitKod;
        this.local = local;
        this.keyFile = keyFile;
        this.eventLoops = eventLoops;
        this.clockAgent = clockAgent;
        this.clientLogLimit = clientLogLimit;
    }

    /**
     * chronyd's defaults: port 123, every address, nobody allowed, no rate limit, unsynchronised,
     * no keys; and the clock agent asked at {@link ClockAgentEndpoint#DEFAULT}.
     */
    public static NtpOptions defaults() {
        return new NtpOptions(
                DEFAULT_PORT,
                List.of(),
                List.of(),
                null,
                DEFAULT_RATELIMIT_KOD,
                null,
                null,
                DEFAULT_EVENT_LOOPS,
                ClockAgentEndpoint.DEFAULT);
    }

    /**
     * Reads the responder's directives from {@code config}; other directives are left to other
     * services. The key file named by {@code keyfile} is read here, so its mistakes are reported at
     * start.
     *
     * @throws ConfigException naming the file, the line and what was expected
     */
    public static NtpOptions fromConfig(Config config) throws ConfigException {
        int port = DEFAULT_PORT;
        InetAddress bind4 = null;
        InetAddress bind6 = null;
        List<AccessRule> rules = new ArrayList<>();
        RateLimit rateLimit = null;
        int kod = DEFAULT_RATELIMIT_KOD;
        LocalDirective local = null;
        KeyFile keyFile = null;
        ClockAgentEndpoint clockAgent = ClockAgentEndpoint.DEFAULT;
        int clientLogLimit = DEFAULT_CLIENT_LOG_LIMIT;
        for (Directive d : config.directives()) {
            switch (d.name()) {
                case "port" -> {
                    d.expectArgs(1, 1);
                    port = d.integer(0, "a UDP port", 0, 0xFFFF);
                }
                case "bindaddress" -> {
                    d.expectArgs(1, 1);
                    InetAddress a = literal(d.word(0));
                    if (a == null) {
                        throw d.fail(
                                "expected an IPv4 or IPv6 address (host names are not resolved), got \""
                                        + d.word(0)
                                        + "\"");
                    }
                    if (a instanceof Inet4Address) {
                        bind4 = a;
                    } else {
                        bind6 = a;
                    }
                }
                case "allow", "deny" -> rules.add(AccessRule.from(d));
                case "ratelimit" -> {
                    rateLimit = RateLimit.from(d);
                    kod = rateLimit.kod();
                }
                case "local" -> local = LocalDirective.from(d);
                case "keyfile" -> {
                    d.expectArgs(1, 1);
                    keyFile = readKeyFile(d, Path.of(d.word(0)));
                }
                case "clockagent" -> clockAgent = ClockAgentEndpoint.from(d);
                case "clientloglimit" -> {
                    d.expectArgs(1, 1);
                    clientLogLimit = d.integer(0, "a size in bytes", 0, Integer.MAX_VALUE);
                }
                default -> {
                    // another service's directive
                }
            }
        }
        List<InetAddress> binds = new ArrayList<>();
        if (bind4 != null) {
            binds.add(bind4);
        }
        if (bind6 != null) {
            binds.add(bind6);
        }
        return new NtpOptions(
                port,
                binds,
                rules,
                rateLimit,
                kod,
                local,
                keyFile,
                DEFAULT_EVENT_LOOPS,
                clockAgent,
                clientLogLimit);
    }

    private static KeyFile readKeyFile(Directive d, Path path) throws ConfigException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw d.fail(
                    "expected a readable key file, could not read "
                            + path
                            + " ("
                            + e.getClass().getSimpleName()
                            + (e.getMessage() != null ? ": " + e.getMessage() : "")
                            + ")");
        }
        return switch (KeyFile.parse(path.toString(), text)) {
            case KeyFileResult.Parsed p -> p.keyFile();
            case KeyFileResult.Invalid inv -> {
                ConfigError first = inv.errors().getFirst();
                int more = inv.errors().size() - 1;
                throw new ConfigException(
                        more == 0
                                ? first
                                : new ConfigError(
                                        first.file(),
                                        first.line(),
                                        first.message()
                                                + " (and "
                                                + more
                                                + " more "
                                                + (more == 1 ? "error" : "errors")
                                                + ")"));
            }
        };
    }

    private static InetAddress literal(String s) {
        try {
            if (s.indexOf(':') >= 0) {
                return Inet6Address.ofLiteral(s);
            }
            return Inet4Address.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The UDP port; 0 binds an ephemeral one (see {@link NtpResponder#port()}). */
    public int port() {
        return port;
    }

    /**
     * The addresses to bind, at most one IPv4 and one IPv6; empty for every address of both
     * families.
     */
    public List<InetAddress> bindAddresses() {
        return bindAddresses;
    }

    /** The {@code allow}/{@code deny} rules in order; none means no service, as in chronyd. */
    public List<AccessRule> accessRules() {
        return accessRules;
    }

    /** The {@code ratelimit} setting, if rate limiting is on. */
    public Optional<RateLimit> rateLimit() {
        return Optional.ofNullable(rateLimit);
    }

    /**
     * chrony 4.6's {@code ratelimit kod}: a limited request gets KoD RATE with probability 2^-kod
     * (0: never).
     */
    public int rateLimitKod() {
        return rateLimitKod;
    }

    /** The {@code local} directive, if the local clock is a reference. */
    public Optional<LocalDirective> local() {
        return Optional.ofNullable(local);
    }

    /** The key file's keys, when {@code keyfile} is set. */
    public Optional<KeyFile> keyFile() {
        return Optional.ofNullable(keyFile);
    }

    /**
     * The host's clock agent to ask for the clock state to serve; empty for {@code clockagent
     * none}.
     */
    public Optional<ClockAgentEndpoint> clockAgent() {
        return Optional.ofNullable(clockAgent);
    }

    /**
     * chrony's {@code clientloglimit}: bytes for what the server remembers of its clients; here the
     * interleaved-mode timestamps ({@code InterleavedTimestamps.BYTES_PER_ENTRY} bytes a reply),
     * split over the responder's threads. 0 turns interleaved mode off.
     */
    public int clientLogLimit() {
        return clientLogLimit;
    }

    /** Sockets and threads per bound address (SO_REUSEPORT). */
    public int eventLoops() {
        return eventLoops;
    }

    public NtpOptions withPort(int port) {
        return new NtpOptions(
                port,
                bindAddresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                clientLogLimit);
    }

    public NtpOptions withBindAddresses(List<InetAddress> addresses) {
        return new NtpOptions(
                port,
                addresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                clientLogLimit);
    }

    public NtpOptions withAccessRules(List<AccessRule> rules) {
        return new NtpOptions(
                port,
                bindAddresses,
                rules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                clientLogLimit);
    }

    public NtpOptions withRateLimit(RateLimit limit, int kod) {
        return new NtpOptions(
                port,
                bindAddresses,
                accessRules,
                limit,
                kod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                clientLogLimit);
    }

    public NtpOptions withLocal(LocalDirective local) {
        return new NtpOptions(
                port,
                bindAddresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                clientLogLimit);
    }

    public NtpOptions withKeyFile(KeyFile keyFile) {
        return new NtpOptions(
                port,
                bindAddresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                clientLogLimit);
    }

    /** {@code clockagent}: the agent's endpoint, or {@code null} for {@code none}. */
    public NtpOptions withClockAgent(ClockAgentEndpoint clockAgent) {
        return new NtpOptions(
                port,
                bindAddresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                clientLogLimit);
    }

    public NtpOptions withEventLoops(int eventLoops) {
        return new NtpOptions(
                port,
                bindAddresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                clientLogLimit);
    }

    /**
     * {@code clientloglimit}: bytes for the interleaved-mode timestamps; 0 turns interleaved mode
     * off.
     */
    public NtpOptions withClientLogLimit(int bytes) {
        return new NtpOptions(
                port,
                bindAddresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                keyFile,
                eventLoops,
                clockAgent,
                bytes);
    }

    /**
     * The clock state to serve without a clock agent: {@code local stratum N}, or unsynchronised.
     */
    public SyncStateSource defaultSyncStateSource() {
        return local != null
                ? SyncStateSource.localStratum(local.stratum())
                : SyncStateSource.unsynchronised();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NtpOptions n
                && n.port == port
                && n.bindAddresses.equals(bindAddresses)
                && n.accessRules.equals(accessRules)
                && Objects.equals(n.rateLimit, rateLimit)
                && n.rateLimitKod == rateLimitKod
                && Objects.equals(n.local, local)
                && n.keyFile == keyFile
                && n.eventLoops == eventLoops
                && Objects.equals(n.clockAgent, clockAgent)
                && n.clientLogLimit == clientLogLimit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                port,
                bindAddresses,
                accessRules,
                rateLimit,
                rateLimitKod,
                local,
                eventLoops,
                clockAgent);
    }

    @Override
    public String toString() {
        return "NtpOptions[port="
                + port
                + ", bind="
                + bindAddresses
                + ", "
                + accessRules.size()
                + " access rules, ratelimit="
                + (rateLimit == null
                        ? "off"
                        : rateLimit.toLine("ratelimit") + " kod " + rateLimitKod)
                + ", local="
                + (local == null ? "off" : local.toLine())
                + ", keyfile="
                + keyFile
                + ", eventLoops="
                + eventLoops
                + ", clockagent="
                + (clockAgent == null ? "none" : clockAgent)
                + "]";
    }
}
