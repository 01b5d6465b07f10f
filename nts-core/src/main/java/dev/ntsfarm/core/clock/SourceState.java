package dev.ntsfarm.core.clock;

/**
 * A source's state after selection, with the symbol chronyc's {@code sources} prints in column S.
 */
public enum SourceState {
    /** The system peer: the source the clock is synchronised to. */
    SELECTED('*'),
    /** A survivor whose offset is combined with the selected one. */
    COMBINED('+'),
    /** A survivor left out of the combination (too far compared with the selected source). */
    NOT_COMBINED('-'),
    /** Outside the interval most sources agree on, or no majority agrees at all. */
    FALSETICKER('x'),
    /** Its jitter (standard deviation) exceeds the allowed maximum. */
    JITTERY('~'),
    /** Unreachable, too few samples, unsynchronised or too distant: not a candidate. */
    UNUSABLE('?');

    private final char symbol;

    SourceState(char symbol) {
        this.symbol = symbol;
    }

    /** chronyc's one-character symbol. */
    public char symbol() {
        return symbol;
    }
}
