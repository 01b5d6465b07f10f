package dev.ntsfarm.socket;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * struct sockaddr_in / sockaddr_in6 in native memory, and a peer's address as two longs: the
 * 128-bit IPv6 address, an IPv4 one as IPv4-mapped ({@code ::ffff:a.b.c.d}), so a hot path can key
 * tables on it without an {@link InetAddress}.
 */
public final class SocketAddresses {

    /**
     * The high word of every IPv4-mapped address is zero; the low word starts {@code 0000 ffff}.
     */
    public static final long IPV4_MAPPED_LOW_PREFIX = 0xFFFF_0000_0000L;

    private SocketAddresses() {}

    /** Writes {@code address:port} at {@code name[0]}; returns the struct's length. */
    static int write(MemorySegment name, InetAddress address, int port) {
        name.fill((byte) 0);
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            name.set(
                    Native.SHORT_BE,
                    0,
                    Short.reverseBytes((short) Native.AF_INET)); // host order family
            name.set(Native.SHORT_BE, 2, (short) port);
            MemorySegment.copy(a, 0, name, Native.BYTE, 4, 4);
            return Native.SOCKADDR_IN_LENGTH;
        }
        name.set(Native.SHORT_BE, 0, Short.reverseBytes((short) Native.AF_INET6));
        name.set(Native.SHORT_BE, 2, (short) port);
        MemorySegment.copy(a, 0, name, Native.BYTE, 8, 16);
        if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            name.set(Native.INT_U, 24, v6.getScopeId());
        }
        return Native.SOCKADDR_LENGTH;
    }

    /** The family in host order at {@code name[off]}. */
    static int family(MemorySegment name, long off) {
        return Short.toUnsignedInt(Short.reverseBytes(name.get(Native.SHORT_BE, off)));
    }

    static long high(MemorySegment name, long off) {
        return family(name, off) == Native.AF_INET6 ? name.get(Native.LONG_BE, off + 8) : 0;
    }

    static long low(MemorySegment name, long off) {
        if (family(name, off) == Native.AF_INET6) {
            return name.get(Native.LONG_BE, off + 16);
        }
        return IPV4_MAPPED_LOW_PREFIX | Integer.toUnsignedLong(name.get(Native.INT_BE, off + 4));
    }

    static int port(MemorySegment name, long off) {
        return Short.toUnsignedInt(name.get(Native.SHORT_BE, off + 2));
    }

    /** Whether {@code high:low} is an IPv4 address (IPv4-mapped). */
    public static boolean isIpv4(long high, long low) {
        return high == 0 && (low >>> 32) == 0xFFFF;
    }

    /** The address {@code high:low} as an {@link InetAddress} (allocates; for logs and reports). */
    public static InetAddress toInetAddress(long high, long low) {
        byte[] b;
        if (isIpv4(high, low)) {
            b =
                    new byte[] {
                        (byte) (low >>> 24), (byte) (low >>> 16), (byte) (low >>> 8), (byte) low
                    };
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (high >>> (56 - 8 * i));
                b[8 + i] = (byte) (low >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes are always an address
        }
    }

    /** {@code address} as {@code high:low}, IPv4 mapped: {@code [high, low]}. */
    public static long[] toLongs(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            long v4 =
                    ((a[0] & 0xFFL) << 24)
                            | ((a[1] & 0xFF) << 16)
                            | ((a[2] & 0xFF) << 8)
                            | (a[3] & 0xFF);
            return new long[] {0, IPV4_MAPPED_LOW_PREFIX | v4};
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (a[i] & 0xFF);
            l = (l << 8) | (a[8 + i] & 0xFF);
        }
        return new long[] {h, l};
    }

    static String format(InetAddress address, int port) {
        return (address instanceof Inet6Address
                        ? "[" + address.getHostAddress() + "]"
                        : address.getHostAddress())
                + ":"
                + port;
    }
}
