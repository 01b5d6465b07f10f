package dev.ntsfarm.core.config;

import java.util.Objects;
import java.util.Set;

/**
 * A time source: {@code server|pool|peer HOST [port N] [ntsport N] [nts] [iburst] [key ID] [minpoll N]
 * [maxpoll N] [maxsamples N]}, with chrony's defaults and option names (chrony {@code CPS_ParseNTPSourceAdd}).
 * chrony's other source options are reported as unknown rather than ignored.
 *
 * @param keyId      symmetric key id, {@link #NO_KEY} when none ({@code key 0} is refused, as in chrony)
 * @param maxSamples {@link #DEFAULT_MAXSAMPLES} when not given
 */
public record SourceDirective(Kind kind, String host, int port, int ntsPort, boolean nts, boolean iburst,
                              long keyId, int minPoll, int maxPoll, int maxSamples) {

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

    private static final Set<String> FLAGS = Set.of("nts", "iburst");
    private static final Set<String> VALUED = Set.of("port", "ntsport", "key", "minpoll", "maxpoll", "maxsamples");

    /** The three directives that name a source. */
    public enum Kind {
        SERVER, POOL, PEER;

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
    }

    /** A source with every option at chrony's default. */
    public static SourceDirective of(Kind kind, String host) {
        return new SourceDirective(kind, host, DEFAULT_PORT, DEFAULT_NTSPORT, false, false, NO_KEY,
                DEFAULT_MINPOLL, DEFAULT_MAXPOLL, DEFAULT_MAXSAMPLES);
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
        return new SourceDirective(kind, host,
                o.option("port", "a port number", 1, 65535, DEFAULT_PORT),
                o.option("ntsport", "a port number", 1, 65535, DEFAULT_NTSPORT),
                o.flag("nts"), o.flag("iburst"), key,
                o.option("minpoll", "a poll exponent", MIN_POLL, MAX_POLL, DEFAULT_MINPOLL),
                o.option("maxpoll", "a poll exponent", MIN_POLL, MAX_POLL, DEFAULT_MAXPOLL),
                o.option("maxsamples", "a number of samples", 1, MAX_SAMPLES, DEFAULT_MAXSAMPLES));
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
        return sb.toString();
    }
}
