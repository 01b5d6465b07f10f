package dev.ntsfarm.core.config;

/**
 * {@code ratelimit|ntsratelimit [interval N] [burst N] [leak N]} (chrony {@code parse_ratelimit}
 * and {@code clientlog.c}): interval is the log2 of the minimum mean seconds between answers, burst
 * the number of answers allowed above it, leak the log2 of the share still answered when limited.
 * {@code ratelimit} also takes chrony 4.6's {@code kod N}: a limited client gets a RATE
 * kiss-o'-death in 1 of 2^N of its dropped requests, 0 (the default) for none.
 */
public record RateLimit(int interval, int burst, int leak, int kod) {

    /** A limit that never answers with a RATE kiss-o'-death. */
    public RateLimit(int interval, int burst, int leak) {
        this(interval, burst, leak, NO_KOD);
    }

    /** chrony's defaults for {@code ratelimit}. */
    public static final RateLimit NTP_DEFAULT = new RateLimit(3, 8, 2);

    /** chrony's defaults for {@code ntsratelimit}. */
    public static final RateLimit NTS_DEFAULT = new RateLimit(6, 8, 2);

    /** chrony's bounds ({@code MIN_LIMIT_INTERVAL} is -15 - 4, {@code MAX_LIMIT_INTERVAL} 12). */
    public static final int MIN_INTERVAL = -19;

    public static final int MAX_INTERVAL = 12;
    public static final int MIN_BURST = 1;
    public static final int MAX_BURST = 255;
    public static final int MIN_LEAK = 1;
    public static final int MAX_LEAK = 4;

    /** {@code kod}: 0 sends no RATE kiss-o'-death; up to chrony's 4. */
    public static final int NO_KOD = 0;

    public static final int MAX_KOD = 4;

    private static final java.util.Set<String> VALUED =
            java.util.Set.of("interval", "burst", "leak");
    private static final java.util.Set<String> VALUED_WITH_KOD =
            java.util.Set.of("interval", "burst", "leak", "kod");

    /**
     * Reads {@code ratelimit} or {@code ntsratelimit}, options absent taking that directive's
     * defaults.
     */
    public static RateLimit from(Directive d) throws ConfigException {
        RateLimit defaults =
                switch (d.name()) {
                    case "ratelimit" -> NTP_DEFAULT;
                    case "ntsratelimit" -> NTS_DEFAULT;
                    default -> throw d.fail("expected a ratelimit or ntsratelimit directive");
                };
        boolean ntp = d.name().equals("ratelimit");
        DirectiveOptions o = d.options(0, java.util.Set.of(), ntp ? VALUED_WITH_KOD : VALUED);
        return new RateLimit(
                o.option(
                        "interval",
                        "a log2 interval in seconds",
                        MIN_INTERVAL,
                        MAX_INTERVAL,
                        defaults.interval),
                o.option("burst", "a burst", MIN_BURST, MAX_BURST, defaults.burst),
                o.option("leak", "a leak rate", MIN_LEAK, MAX_LEAK, defaults.leak),
                ntp ? o.option("kod", "a KoD rate", NO_KOD, MAX_KOD, NO_KOD) : NO_KOD);
    }

    /** The directive line for {@code directiveName}, every option spelt out. */
    public String toLine(String directiveName) {
        return directiveName
                + " interval "
                + interval
                + " burst "
                + burst
                + " leak "
                + leak
                + (kod != NO_KOD ? " kod " + kod : "");
    }
}
