package dev.ntsfarm.core.config;

/**
 * {@code local [stratum N] [orphan] [distance D]}: serve the local clock as a reference when no
 * source is selected (chrony {@code CPS_ParseLocal}).
 *
 * @param stratum 1 to 15, default 10
 * @param distance the root distance below which another orphan is preferred, default 1.0 s
 */
public record LocalDirective(int stratum, boolean orphan, double distance) {

    public static final int DEFAULT_STRATUM = 10;
    public static final double DEFAULT_DISTANCE = 1.0;

    /**
     * NTP's unsynchronised stratum (RFC 5905 section 7.3), which a local reference must stay below.
     */
    public static final int MAX_STRATUM = 16;

    private static final java.util.Set<String> FLAGS = java.util.Set.of("orphan");
    private static final java.util.Set<String> VALUED = java.util.Set.of("stratum", "distance");

    public static LocalDirective from(Directive d) throws ConfigException {
        DirectiveOptions o = d.options(0, FLAGS, VALUED);
        return new LocalDirective(
                o.option("stratum", "a stratum", 1, MAX_STRATUM - 1, DEFAULT_STRATUM),
                o.flag("orphan"),
                o.decimal(
                        "distance",
                        "a distance in seconds",
                        0,
                        Double.MAX_VALUE,
                        DEFAULT_DISTANCE));
    }

    public String toLine() {
        return "local stratum "
                + stratum
                + (orphan ? " orphan" : "")
                + (distance != DEFAULT_DISTANCE ? " distance " + distance : "");
    }
}
