package dev.ntsfarm.core.clock;

/**
 * The reach register (RFC 5905 section 13): eight bits, shifted left at every poll, the low bit set
 * when the poll was answered. chronyc shows it in octal; eight answered polls make 377.
 */
public record Reach(int bits) {
    /** The register's width; eight answered polls fill it. */
    public static final int WIDTH = 8;

    private static final int MASK = (1 << WIDTH) - 1;

    /** A source never polled. */
    public static final Reach NONE = new Reach(0);

    public Reach {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("reach is 8 bits (expected: 0..255): " + bits);
        }
    }

    /** The register after one more poll. */
    public Reach shift(boolean answered) {
        return new Reach(((bits << 1) | (answered ? 1 : 0)) & MASK);
    }

    /** True when any of the last eight polls was answered. */
    public boolean reachable() {
        return bits != 0;
    }

    /** True when the last poll was answered. */
    public boolean lastAnswered() {
        return (bits & 1) != 0;
    }

    /** chronyc's form: octal, unpadded ("377", "17", "0"). */
    public String octal() {
        return Integer.toOctalString(bits);
    }

    @Override
    public String toString() {
        return octal();
    }
}
