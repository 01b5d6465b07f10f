package dev.ntsfarm.core.config;

import java.net.InetAddress;
import java.util.List;

/**
 * Who may ask for time: chrony's {@code allow}/{@code deny} table ({@code addrfilt.c} semantics),
 * built once from the rules in configuration order and read without locks or allocation afterwards.
 *
 * <p>As in chrony the rules form a tree with one level per 4 bits of the address. A rule sets the
 * state of the nodes its subnet covers; a lookup walks down the address and takes the state of the
 * deepest node that has one. So a more specific rule wins whatever the order, except that {@code
 * allow all}/{@code deny all} also clears every rule below its subnet that came earlier, and two
 * rules at the same level replace each other in order. Nothing allowed means no service.
 */
public final class AccessTable {

    private static final int NBITS = 4;
    private static final int TABLE_SIZE = 1 << NBITS;
    private static final byte AS_PARENT = 0;
    private static final byte ALLOW = 1;
    private static final byte DENY = 2;

    /** One node of the tree: its own state and, once a rule goes deeper, 16 children. */
    private static final class Node {
        byte state = AS_PARENT;
        Node[] children;

        void open() {
            if (children == null) {
                children = new Node[TABLE_SIZE];
                for (int i = 0; i < TABLE_SIZE; i++) {
                    children[i] = new Node();
                }
            }
        }
    }

    private final Node base4 = new Node();
    private final Node base6 = new Node();

    private AccessTable() {
        base4.state = DENY;
        base6.state = DENY;
    }

    /** A table with nothing allowed (chrony without {@code allow}). */
    public static AccessTable denyAll() {
        return new AccessTable();
    }

    /** The table of {@code rules} applied in order. */
    public static AccessTable of(List<AccessRule> rules) {
        AccessTable t = new AccessTable();
        for (AccessRule r : rules) {
            t.apply(r);
        }
        return t;
    }

    private void apply(AccessRule rule) {
        byte state = rule.allow() ? ALLOW : DENY;
        if (rule.network() == null) {
            set(base4, new byte[4], 0, state, rule.all());
            set(base6, new byte[16], 0, state, rule.all());
        } else {
            byte[] a = rule.network().getAddress();
            set(a.length == 4 ? base4 : base6, a, rule.prefixLength(), state, rule.all());
        }
    }

    private static int nibble(byte[] a, int bitOffset) {
        int b = a[bitOffset / 8] & 0xFF;
        return (bitOffset % 8 == 0) ? b >>> 4 : b & 0x0F;
    }

    private static void set(Node start, byte[] ip, int bits, byte state, boolean deleteChildren) {
        Node node = start;
        int consumed = 0;
        int toGo = bits;
        while (toGo >= NBITS) {
            node.open();
            node = node.children[nibble(ip, consumed)];
            toGo -= NBITS;
            consumed += NBITS;
        }
        if (toGo == 0) {
            if (deleteChildren) {
                node.children = null;
            }
            node.state = state;
            return;
        }
        // a prefix between levels sets every entry it covers at the next level (1 bit -> 8 entries)
        int n = 1 << (NBITS - toGo);
        int first = nibble(ip, consumed) & ~(n - 1);
        node.open();
        for (int i = first; i < first + n; i++) {
            Node child = node.children[i];
            if (deleteChildren) {
                child.children = null;
            }
            child.state = state;
        }
    }

    /** Whether {@code address} may be answered; IPv4-mapped IPv6 addresses count as IPv4. */
    public boolean allows(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return allowsIpv4(
                    ((a[0] & 0xFF) << 24)
                            | ((a[1] & 0xFF) << 16)
                            | ((a[2] & 0xFF) << 8)
                            | (a[3] & 0xFF));
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (a[i] & 0xFF);
            low = (low << 8) | (a[8 + i] & 0xFF);
        }
        return allows(high, low);
    }

    /**
     * Whether the address {@code high:low} (128 bits, IPv4 as IPv4-mapped) may be answered; reads
     * no object, for the hot path.
     */
    public boolean allows(long high, long low) {
        if (high == 0 && (low >>> 32) == 0xFFFF) {
            return allowsIpv4((int) low);
        }
        Node node = base6;
        byte state = DENY;
        int consumed = 0;
        while (true) {
            if (node.state != AS_PARENT) {
                state = node.state;
            }
            if (node.children == null || consumed >= 128) {
                return state == ALLOW;
            }
            long word = consumed < 64 ? high : low;
            int nib = (int) (word >>> (60 - (consumed & 63))) & 0x0F;
            node = node.children[nib];
            consumed += NBITS;
        }
    }

    /** Whether the IPv4 address {@code ipv4} (big-endian in an int) may be answered. */
    public boolean allowsIpv4(int ipv4) {
        Node node = base4;
        byte state = DENY;
        int shift = 32;
        while (true) {
            if (node.state != AS_PARENT) {
                state = node.state;
            }
            if (node.children == null || shift == 0) {
                return state == ALLOW;
            }
            shift -= NBITS;
            node = node.children[(ipv4 >>> shift) & 0x0F];
        }
    }

    @Override
    public String toString() {
        return "AccessTable[ipv4 "
                + (base4.state == ALLOW ? "allowed" : "denied")
                + " by default, ipv6 "
                + (base6.state == ALLOW ? "allowed" : "denied")
                + " by default]";
    }
}
