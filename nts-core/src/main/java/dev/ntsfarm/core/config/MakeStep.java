package dev.ntsfarm.core.config;

/**
 * {@code makestep THRESHOLD LIMIT}: step the clock when the offset exceeds THRESHOLD seconds, in
 * the first LIMIT updates only; a negative LIMIT means always (chrony's {@code makestep}).
 */
public record MakeStep(double threshold, int limit) {

    public static MakeStep from(Directive d) throws ConfigException {
        d.expectArgs(2, 2);
        return new MakeStep(
                d.decimal(0, "a threshold in seconds", 0, Double.MAX_VALUE),
                d.integer(1, "a number of clock updates", Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    /** Whether the clock may be stepped at every update, not only the first {@link #limit()}. */
    public boolean unlimited() {
        return limit < 0;
    }

    public String toLine() {
        return "makestep " + threshold + " " + limit;
    }
}
