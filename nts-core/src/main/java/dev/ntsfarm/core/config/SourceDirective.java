package dev.ntsfarm.core.config;

import java.util.Objects;
import java.util.Set;

/**
 * A time source: {@code server|pool|peer HOST [port N] [ntsport N] [nts] [iburst] [burst] [xleave]
 * [key ID] [minpoll N] [maxpoll N] [minsamples N] [maxsamples N] [polltarget N] [maxdelay S]
 * [maxdelayratio R] [maxdelaydevratio R]}, with chrony's defaults and option names (chrony {@code
 * CPS_ParseNTPSourceAdd}). chrony's other source options are reported as unknown rather than
 * ignored.
 *
 * @param keyId symmetric key id, {@link #NO_KEY} when none ({@code key 0} is refused, as in chrony)
 * @param maxSamples {@link #DEFAULT_MAXSAMPLES} when not given
 * @param parameters the sampling options ({@code burst}, {@code xleave}, the delay tests, ...)
 */
public record SourceDirective(
        Kind kind,
        String host,
        int port,
        int ntsPort,
        boolean nts,
        boolean iburst,
        long keyId,
        int minPoll,
        int maxPoll,
        int maxSamples,
        Parameters parameters) {

    public static final int DEFAULT_PORT = 123;
    public static final int DEFAULT_NTSPORT = 4460;
    public static final int DEFAULT_MINPOLL = 6;
    public static final int DEFAULT_MAXPOLL = 10;

    /** chrony's {@code SRC_DEFAULT_MAXSAMPLES}: the source statistics decide. */
    public static final int DEFAULT_MAXSAMPLES = -1;

    /** chrony's {@code INACTIVE_AUTHKEY}. */
    public static final long NO_KEY = 0;

    /** Poll exponents chrony allows ({@code MIN_POLL}, {@code MAX_POLL} in ntp_core.c). */
    public static final int MIN_POLL = -7;

    public static final int MAX_POLL = 24;

    /** chrony keeps at most 64 samples a source ({@code MAX_SAMPLES} in sourcestats.c). */
    public static final int MAX_SAMPLES = 64;

    private static final Set<String> FLAGS = Set.of("nts", "iburst", "burst", "xleave");
    private static final Set<String> VALUED =
            Set.of(
                    "port",
                    "ntsport",
                    "key",
                    "minpoll",
                    "maxpoll",
                    "maxsamples",
                    "minsamples",
                    "polltarget",
                    "maxdelay",
                    "maxdelayratio",
                    "maxdelaydevratio");

    /**
     * chrony's sampling options of a source, with chrony's defaults ({@code srcparams.h}).
     *
     * @param burst {@code burst}: a short burst of requests at every poll
     * @param xleave {@code xleave}: interleaved mode (RFC 5905 and chrony), where the server
     *     returns the kernel's transmit timestamp of its previous answer
     * @param maxDelay {@code maxdelay}: samples whose round trip exceeds this are dropped, seconds
     * @param maxDelayRatio {@code maxdelayratio}: dropped when the delay exceeds this times the
     *     least delay kept; 0 disables the test
     * @param maxDelayDevRatio {@code maxdelaydevratio}: dropped when the delay's rise over the
     *     least delay exceeds this many standard deviations of the offsets
     * @param minSamples {@code minsamples}: samples the statistics keep at least, -1 for the
     *     default
     * @param pollTarget {@code polltarget}: samples the statistics aim at before the poll lengthens
     */
    public record Parameters(
            boolean burst,
            boolean xleave,
            double maxDelay,
            double maxDelayRatio,
            double maxDelayDevRatio,
            int minSamples,
            int pollTarget) {
        /** chrony's defaults. */
        public static final Parameters DEFAULTS =
                new Parameters(
                        false,
                        false,
                        DEFAULT_MAXDELAY,
                        DEFAULT_MAXDELAYRATIO,
                        DEFAULT_MAXDELAYDEVRATIO,
                        DEFAULT_MINSAMPLES,
                        DEFAULT_POLLTARGET);
    }

    /** chrony's {@code SRC_DEFAULT_MAXDELAY}, seconds. */
    public static final double DEFAULT_MAXDELAY = 3.0;

    /** chrony's default {@code maxdelayratio}: the test is off. */
    public static final double DEFAULT_MAXDELAYRATIO = 0.0;

    /** chrony's {@code SRC_DEFAULT_MAXDELAYDEVRATIO}. */
    public static final double DEFAULT_MAXDELAYDEVRATIO = 10.0;

    /** chrony's {@code SRC_DEFAULT_MINSAMPLES}: the global default (6) applies. */
    public static final int DEFAULT_MINSAMPLES = -1;

    /**
     * The default {@code polltarget}: 16 where chrony's is 8. With chrony's poll rules the interval
     * lengthens while the statistics hold more samples than this; at 8, a source with 50 us of
     * jitter reaches maxpoll 10 with too few recent samples for an estimate better than tens of
     * microseconds (BENCHMARKS.md, the discipline's simulation), at 16 it stays within a few.
     */
    public static final int DEFAULT_POLLTARGET = 16;

    /**
     * chrony's bounds of the delay options ({@code MAX_MAXDELAY}, {@code MAX_MAXDELAYRATIO}, ...).
     */
    public static final double MAX_MAXDELAY = 1.0e3;

    public static final double MAX_MAXDELAYRATIO = 1.0e6;

    /** The three directives that name a source. */
    public enum Kind {
        SERVER,
        POOL,
        PEER;

        /** The directive name. */
        public String directiveName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The kind named {@code name} (lower case), or {@code null}. */
        public static Kind fromName(String name) {
            return switch (name) {
                case "server" -> SERVER;
                case "pool" -> POOL;
                case "peer" -> PEER;
                default -> null;
            };
        }
    }

    public SourceDirective {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(parameters, "parameters");
    }

    /** A source whose sampling options are chrony's defaults. */
    public SourceDirective(
            Kind kind,
            String host,
            int port,
            int ntsPort,
            boolean nts,
            boolean iburst,
            long keyId,
            int minPoll,
            int maxPoll,
            int maxSamples) {
        this(
                kind,
                host,
                port,
                ntsPort,
                nts,
                iburst,
                keyId,
                minPoll,
                maxPoll,
                maxSamples,
                Parameters.DEFAULTS);
    }

    /** A source with every option at chrony's default. */
    public static SourceDirective of(Kind kind, String host) {
        return new SourceDirective(
                kind,
                host,
                DEFAULT_PORT,
                DEFAULT_NTSPORT,
                false,
                false,
                NO_KEY,
                DEFAULT_MINPOLL,
                DEFAULT_MAXPOLL,
                DEFAULT_MAXSAMPLES);
    }

    /**
     * The same source at another address (a member of a pool): a {@code server} line for {@code
     * address}.
     */
    public SourceDirective serverAt(String address) {
        return new SourceDirective(
                Kind.SERVER,
                address,
                port,
                ntsPort,
                nts,
                iburst,
                keyId,
                minPoll,
                maxPoll,
                maxSamples,
                parameters);
    }

    /** Reads a {@code server}, {@code pool} or {@code peer} directive. */
    public static SourceDirective from(Directive d) throws ConfigException {
        Kind kind = Kind.fromName(d.name());
        if (kind == null) {
            throw d.fail("expected a server, pool or peer directive");
        }
        String host = d.word(0, "a host name or address");
        DirectiveOptions o = d.options(1, FLAGS, VALUED);
        long key = o.unsigned32("key", "a key id", NO_KEY);
        if (o.option("key").isPresent() && key == NO_KEY) {
            throw d.fail("expected a key id from 1 to 4294967295 after 'key', got \"0\"");
        }
        return new SourceDirective(
                kind,
                host,
                o.option("port", "a port number", 1, 65535, DEFAULT_PORT),
                o.option("ntsport", "a port number", 1, 65535, DEFAULT_NTSPORT),
                o.flag("nts"),
                o.flag("iburst"),
                key,
                o.option("minpoll", "a poll exponent", MIN_POLL, MAX_POLL, DEFAULT_MINPOLL),
                o.option("maxpoll", "a poll exponent", MIN_POLL, MAX_POLL, DEFAULT_MAXPOLL),
                o.option("maxsamples", "a number of samples", 1, MAX_SAMPLES, DEFAULT_MAXSAMPLES),
                new Parameters(
                        o.flag("burst"),
                        o.flag("xleave"),
                        o.decimal(
                                "maxdelay",
                                "a delay in seconds",
                                0.0,
                                MAX_MAXDELAY,
                                DEFAULT_MAXDELAY),
                        o.decimal(
                                "maxdelayratio",
                                "a ratio",
                                0.0,
                                MAX_MAXDELAYRATIO,
                                DEFAULT_MAXDELAYRATIO),
                        o.decimal(
                                "maxdelaydevratio",
                                "a ratio",
                                0.0,
                                MAX_MAXDELAYRATIO,
                                DEFAULT_MAXDELAYDEVRATIO),
                        o.option(
                                "minsamples",
                                "a number of samples",
                                1,
                                MAX_SAMPLES,
                                DEFAULT_MINSAMPLES),
                        o.option("polltarget", "a number of samples", 6, 60, DEFAULT_POLLTARGET)));
    }

    /** Whether a symmetric key authenticates this source. */
    public boolean hasKey() {
        return keyId != NO_KEY;
    }

    /** The directive line, options only where they differ from the defaults. */
    public String toLine() {
        StringBuilder sb = new StringBuilder(kind.directiveName()).append(' ').append(host);
        if (port != DEFAULT_PORT) {
            sb.append(" port ").append(port);
        }
        if (ntsPort != DEFAULT_NTSPORT) {
            sb.append(" ntsport ").append(ntsPort);
        }
        if (nts) {
            sb.append(" nts");
        }
        if (iburst) {
            sb.append(" iburst");
        }
        if (parameters.burst()) {
            sb.append(" burst");
        }
        if (parameters.xleave()) {
            sb.append(" xleave");
        }
        if (keyId != NO_KEY) {
            sb.append(" key ").append(keyId);
        }
        if (minPoll != DEFAULT_MINPOLL) {
            sb.append(" minpoll ").append(minPoll);
        }
        if (maxPoll != DEFAULT_MAXPOLL) {
            sb.append(" maxpoll ").append(maxPoll);
        }
        if (maxSamples != DEFAULT_MAXSAMPLES) {
            sb.append(" maxsamples ").append(maxSamples);
        }
        if (parameters.minSamples() != DEFAULT_MINSAMPLES) {
            sb.append(" minsamples ").append(parameters.minSamples());
        }
        if (parameters.pollTarget() != DEFAULT_POLLTARGET) {
            sb.append(" polltarget ").append(parameters.pollTarget());
        }
        if (parameters.maxDelay() != DEFAULT_MAXDELAY) {
            sb.append(" maxdelay ").append(plain(parameters.maxDelay()));
        }
        if (parameters.maxDelayRatio() != DEFAULT_MAXDELAYRATIO) {
            sb.append(" maxdelayratio ").append(plain(parameters.maxDelayRatio()));
        }
        if (parameters.maxDelayDevRatio() != DEFAULT_MAXDELAYDEVRATIO) {
            sb.append(" maxdelaydevratio ").append(plain(parameters.maxDelayDevRatio()));
        }
        return sb.toString();
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
