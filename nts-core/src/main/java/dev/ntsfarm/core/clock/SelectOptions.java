package dev.ntsfarm.core.clock;

/**
 * Selection's limits, named as chrony's directives.
 *
 * @param maxDistance      {@code maxdistance}: sources with a larger root distance are unusable
 * @param maxJitter        {@code maxjitter}: sources with a larger standard deviation are too variable
 * @param combineLimit     {@code combinelimit}: combine sources within this factor of the selected
 *                         source's distance
 * @param reselectDistance {@code reselectdist}: added to distances so a switch must be worth it
 * @param stratumWeight    {@code stratumweight}: seconds of distance per stratum above the lowest
 * @param minSources       {@code minsources}: survivors needed before the clock is updated
 */
public record SelectOptions(double maxDistance, double maxJitter, double combineLimit,
                            double reselectDistance, double stratumWeight, int minSources) {

    /** chrony's defaults. */
    public static final SelectOptions DEFAULTS = new SelectOptions(3.0, 1.0, 3.0, 1.0e-4, 1.0e-3, 1);
}
