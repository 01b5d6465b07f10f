package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import java.util.Optional;

/**
 * Selection's limits, named as chrony's directives.
 *
 * @param maxDistance {@code maxdistance}: sources with a larger root distance are unusable
 * @param maxJitter {@code maxjitter}: sources with a larger standard deviation are too variable
 * @param combineLimit {@code combinelimit}: combine sources within this factor of the selected
 *     source's distance
 * @param reselectDistance {@code reselectdist}: added to distances so a switch must be worth it
 * @param stratumWeight {@code stratumweight}: seconds of distance per stratum above the lowest
 * @param minSources {@code minsources}: survivors needed before the clock is updated
 */
public record SelectOptions(
        double maxDistance,
        double maxJitter,
        double combineLimit,
        double reselectDistance,
        double stratumWeight,
        int minSources) {

    /** chrony's defaults. */
    public static final SelectOptions DEFAULTS =
            new SelectOptions(3.0, 1.0, 3.0, 1.0e-4, 1.0e-3, 1);

    /**
     * Reads {@code maxdistance}, {@code maxjitter} and {@code minsources} (the last of each
     * counts).
     */
    public static SelectOptions from(Config c) throws ConfigException {
        return new SelectOptions(
                decimal(c.last("maxdistance"), "a distance in seconds", DEFAULTS.maxDistance()),
                decimal(c.last("maxjitter"), "a jitter in seconds", DEFAULTS.maxJitter()),
                DEFAULTS.combineLimit(),
                DEFAULTS.reselectDistance(),
                DEFAULTS.stratumWeight(),
                c.last("minsources").isEmpty()
                        ? DEFAULTS.minSources()
                        : integer(c.last("minsources").get(), "a number of sources"));
    }

    private static double decimal(Optional<Directive> d, String what, double otherwise)
            throws ConfigException {
        if (d.isEmpty()) {
            return otherwise;
        }
        d.get().expectArgs(1, 1);
        return d.get().decimal(0, what, 0, Double.MAX_VALUE);
    }

    private static int integer(Directive d, String what) throws ConfigException {
        d.expectArgs(1, 1);
        return d.integer(0, what, 1, Integer.MAX_VALUE);
    }
}
