package dev.ntsfarm.core.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * {@code allow|deny [all] [SUBNET]} (chrony {@code CPS_ParseAllowDeny}). SUBNET is an IPv4 or IPv6
 * address with an optional {@code /BITS}, or chrony's short IPv4 network form of one to three
 * numbers ({@code 192.168} is {@code 192.168.0.0/16}). No SUBNET means every IPv4 and IPv6 address.
 * With {@code all}, the rule also overrides earlier rules for addresses inside the subnet.
 *
 * <p>Host names are refused: chronyd resolves them when it reads the file, which a parser that does
 * no I/O cannot do.
 *
 * @param network the subnet's address, {@code null} for every address
 * @param prefixLength the subnet's length in bits (0 when {@code network} is null)
 */
public record AccessRule(boolean allow, boolean all, InetAddress network, int prefixLength) {

    private static final Pattern SHORT_V4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){0,3}");
    private static final Pattern BITS = Pattern.compile("[0-9]{1,3}");

    public static AccessRule from(Directive d) throws ConfigException {
        boolean allow =
                switch (d.name()) {
                    case "allow", "cmdallow" -> true;
                    case "deny", "cmddeny" -> false;
                    default -> throw d.fail("expected an allow or deny directive");
                };
        int i = 0;
        boolean all = false;
        // chrony compares "all" case-sensitively here
        if (d.size() > 0 && d.args().getFirst().equals("all")) {
            all = true;
            i = 1;
        }
        if (d.size() > i + 1) {
            throw d.fail("expected [all] [ADDRESS[/BITS]], got " + d.size() + " arguments");
        }
        if (d.size() == i) {
            return new AccessRule(allow, all, null, 0);
        }
        String spec = d.args().get(i);
        String expected = "an IP address or subnet (ADDRESS[/BITS])";
        String net = spec;
        int bits = -1;
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            net = spec.substring(0, slash);
            String b = spec.substring(slash + 1);
            if (!BITS.matcher(b).matches()) {
                throw d.fail("expected " + expected + ", got " + Directive.quote(spec));
            }
            bits = Integer.parseInt(b);
        }
        InetAddress address;
        int defaultBits;
        if (net.indexOf(':') >= 0) {
            address = parseV6(net);
            defaultBits = 128;
        } else if (SHORT_V4.matcher(net).matches()) {
            String[] parts = net.split("\\.");
            byte[] a = new byte[4];
            for (int p = 0; p < parts.length; p++) {
                int v = Integer.parseInt(parts[p]);
                if (v > 255) {
                    throw d.fail("expected " + expected + ", got " + Directive.quote(spec));
                }
                a[p] = (byte) v;
            }
            address = byAddress(a);
            defaultBits = 8 * parts.length;
        } else {
            address = null;
            defaultBits = 0;
        }
        if (address == null) {
            throw d.fail(
                    "expected "
                            + expected
                            + " (host names are not resolved), got "
                            + Directive.quote(spec));
        }
        int max = address instanceof Inet6Address ? 128 : 32;
        if (bits > max) {
            throw d.fail("expected a prefix length from 0 to " + max + ", got " + bits);
        }
        return new AccessRule(allow, all, address, bits >= 0 ? bits : defaultBits);
    }

    private static InetAddress parseV6(String s) {
        if (s.indexOf('%') >= 0 || s.indexOf('[') >= 0) {
            return null;
        }
        try {
            return Inet6Address.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InetAddress byAddress(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always valid", e);
        }
    }

    /** Whether {@code address} is inside this rule's subnet. */
    public boolean matches(InetAddress address) {
        if (network == null) {
            return true;
        }
        byte[] n = network.getAddress();
        byte[] a = address.getAddress();
        if (n.length != a.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (n[i] != a[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (n[full] & mask) == (a[full] & mask);
    }

    /** The directive line ({@code allow} or {@code deny}). */
    public String toLine() {
        StringBuilder sb = new StringBuilder(allow ? "allow" : "deny");
        if (all) {
            sb.append(" all");
        }
        if (network != null) {
            sb.append(' ').append(network.getHostAddress()).append('/').append(prefixLength);
        }
        return sb.toString();
    }
}
