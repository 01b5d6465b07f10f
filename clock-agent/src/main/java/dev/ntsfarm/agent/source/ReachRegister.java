package dev.ntsfarm.agent.source;

/**
 * The 8-bit reachability register of RFC 5905 section 13: shifted left at every transmission, bit 0
 * set when a valid reply to that transmission arrives. chronyc prints it in octal; 377 means the last
 * eight polls were all answered.
 */
public final class ReachRegister {

    private int bits;
    private int polls;

    /** A request went out. */
    public void transmitted() {
        bits = (bits << 1) & 0xFF;
        polls++;
    }

    /** A valid reply to the latest request arrived. */
    public void received() {
        bits |= 1;
    }

    public int bits() {
        return bits;
    }

    /** Requests sent since the source was added. */
    public int polls() {
        return polls;
    }

    public boolean reachable() {
        return bits != 0;
    }

    /** As chronyc shows it. */
    public String octal() {
        return Integer.toOctalString(bits);
    }

    @Override
    public String toString() {
        return "Reach[" + octal() + "]";
    }
}
