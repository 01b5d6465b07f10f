package dev.ntsfarm.core.clock;

/**
 * chrony's {@code makestep THRESHOLD LIMIT}: step the clock instead of slewing when the offset exceeds
 * {@code threshold} seconds, during the first {@code limit} clock updates; a negative limit steps at
 * any update, a zero limit never.
 */
public record Makestep(double threshold, int limit) {
    /** No makestep directive: always slew. */
    public static final Makestep NEVER = new Makestep(0.0, 0);

    public Makestep {
        if (!(threshold >= 0.0)) {
            throw new IllegalArgumentException("makestep threshold (expected: >= 0): " + threshold);
        }
    }

    /**
     * True when update number {@code update} (counting from 0) with total offset {@code offset}
     * should be a step.
     */
    public boolean steps(int update, double offset) {
        boolean inWindow = limit < 0 || update < limit;
        return inWindow && Math.abs(offset) > threshold;
    }
}
