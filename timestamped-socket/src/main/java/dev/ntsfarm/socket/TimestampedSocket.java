package dev.ntsfarm.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.Objects;

/**
 * A UDP socket whose datagrams carry the kernel's timestamps (Linux): the receive time the kernel
 * took when the datagram arrived (SO_TIMESTAMPING software receive, else SO_TIMESTAMPNS), and, on
 * request per datagram sent, the time the kernel handed it to the device (SO_TIMESTAMPING software
 * transmit, read back from the socket's error queue). Datagrams move in batches through {@link
 * DatagramBatch} with {@code recvmmsg}/{@code sendmmsg}; nothing is allocated per datagram.
 *
 * <p>The socket blocks in receive (with a timeout, so a stopping thread notices); one thread
 * receives and sends on it. {@link #wakeUp()} ends a receive that is waiting, from any thread, so
 * the owner can stop; {@link #close()} is for the owner once it has.
 *
 * <p>Bound to {@code ::} it serves IPv4 too (dual stack, IPv4 peers as IPv4-mapped addresses), as
 * chronyd's server socket does; bound to any other IPv6 address it is IPv6 only.
 */
public final class TimestampedSocket implements AutoCloseable {

    /** How the kernel timestamps received datagrams on this socket. */
    public enum ReceiveTimestamps {
        /**
         * SO_TIMESTAMPING, software receive: the time the kernel took the datagram off the device.
         */
        SO_TIMESTAMPING,
        /** SO_TIMESTAMPNS: the same software time through the older interface. */
        SO_TIMESTAMPNS,
        /** The kernel gives none: the reader must take the time itself, later and less exact. */
        NONE
    }

    /** Settings of a new socket. */
    public record Options(
            boolean reusePort,
            boolean transmitTimestamps,
            int receiveBufferBytes,
            int sendBufferBytes,
            int receiveTimeoutMillis) {

        /**
         * The defaults: SO_REUSEPORT, transmit timestamps, 4 MiB buffers, 250 ms receive timeout.
         */
        public static final Options DEFAULT = new Options(true, true, 4 << 20, 4 << 20, 250);

        public Options withReusePort(boolean reusePort) {
            return new Options(
                    reusePort,
                    transmitTimestamps,
                    receiveBufferBytes,
                    sendBufferBytes,
                    receiveTimeoutMillis);
        }

        public Options withTransmitTimestamps(boolean on) {
            return new Options(
                    reusePort, on, receiveBufferBytes, sendBufferBytes, receiveTimeoutMillis);
        }

        public Options withReceiveTimeoutMillis(int millis) {
            return new Options(
                    reusePort, transmitTimestamps, receiveBufferBytes, sendBufferBytes, millis);
        }
    }

    /**
     * Transmit-timestamp ids remembered per socket; older ones are forgotten (their answer came too
     * late).
     */
    static final int TX_TAGS = 4096;

    final int fd;
    final boolean ipv6;
    private final InetAddress address;
    private final int port;
    private final ReceiveTimestamps receiveTimestamps;
    private final boolean transmitTimestamps;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = Native.callState(arena);

    /** The kernel's OPT_ID counter as we track it: the id the next timestamped datagram gets. */
    int nextTxId;

    /** The caller's tag for each transmit-timestamp id, by {@code id & (TX_TAGS - 1)}. */
    final long[] txTags = new long[TX_TAGS];

    final int[] txIds = new int[TX_TAGS];

    /**
     * Datagrams sent with a transmit timestamp asked for whose timestamp was not read yet (at most
     * {@link #TX_TAGS}): while none is, reading the error queue would be a wasted system call.
     */
    int txAwaited;

    private volatile boolean closed;

    private TimestampedSocket(
            int fd, boolean ipv6, InetAddress address, int port, ReceiveTimestamps rx, boolean tx) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.address = address;
        this.port = port;
        this.receiveTimestamps = rx;
        this.transmitTimestamps = tx;
        java.util.Arrays.fill(txIds, -1);
    }

    /** Datagrams sent with a transmit timestamp asked for whose timestamp has not been read yet. */
    public int transmitTimestampsAwaited() {
        return txAwaited;
    }

    /**
     * Opens a socket bound to {@code address} and {@code port} (0: an ephemeral port).
     *
     * @throws SocketException when the socket cannot be made or bound (the message names the call
     *     and errno)
     */
    public static TimestampedSocket bind(InetAddress address, int port, Options options)
            throws SocketException {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " (expected: 0..65535)");
        }
        boolean v6 = address instanceof Inet6Address;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Native.callState(a);
            int fd =
                    (int)
                            Native.SOCKET.invokeExact(
                                    state,
                                    v6 ? Native.AF_INET6 : Native.AF_INET,
                                    Native.SOCK_DGRAM | Native.SOCK_CLOEXEC,
                                    0);
            if (fd < 0) {
                throw new SocketException("socket(): " + Native.describe(Native.errno(state)));
            }
            try {
                MemorySegment one = a.allocate(Native.INT);
                one.set(Native.INT, 0, 1);
                if (v6) {
                    // dual stack only on the wildcard, as chronyd binds its server socket
                    one.set(Native.INT, 0, address.isAnyLocalAddress() ? 0 : 1);
                    setOption(
                            state, fd, Native.IPPROTO_IPV6, Native.IPV6_V6ONLY, one, "IPV6_V6ONLY");
                    one.set(Native.INT, 0, 1);
                }
                if (options.reusePort()) {
                    setOption(
                            state, fd, Native.SOL_SOCKET, Native.SO_REUSEPORT, one, "SO_REUSEPORT");
                }
                one.set(Native.INT, 0, options.receiveBufferBytes());
                trySetOption(state, fd, Native.SOL_SOCKET, Native.SO_RCVBUF, one);
                one.set(Native.INT, 0, options.sendBufferBytes());
                trySetOption(state, fd, Native.SOL_SOCKET, Native.SO_SNDBUF, one);
                MemorySegment timeout = a.allocate(16);
                timeout.set(Native.LONG, 0, options.receiveTimeoutMillis() / 1000);
                timeout.set(Native.LONG, 8, (options.receiveTimeoutMillis() % 1000) * 1000L);
                setOption(state, fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, timeout, "SO_RCVTIMEO");

                ReceiveTimestamps rx;
                boolean tx = false;
                int flags = Native.SOF_TIMESTAMPING_RX_SOFTWARE | Native.SOF_TIMESTAMPING_SOFTWARE;
                if (options.transmitTimestamps()) {
                    // transmit timestamps are asked per datagram (a control message); OPT_ID
                    // numbers them
                    one.set(
                            Native.INT,
                            0,
                            flags
                                    | Native.SOF_TIMESTAMPING_OPT_ID
                                    | Native.SOF_TIMESTAMPING_OPT_TSONLY);
                    tx = trySetOption(state, fd, Native.SOL_SOCKET, Native.SO_TIMESTAMPING, one);
                }
                one.set(Native.INT, 0, flags);
                if (tx || trySetOption(state, fd, Native.SOL_SOCKET, Native.SO_TIMESTAMPING, one)) {
                    rx = ReceiveTimestamps.SO_TIMESTAMPING;
                } else {
                    one.set(Native.INT, 0, 1);
                    rx =
                            trySetOption(state, fd, Native.SOL_SOCKET, Native.SO_TIMESTAMPNS, one)
                                    ? ReceiveTimestamps.SO_TIMESTAMPNS
                                    : ReceiveTimestamps.NONE;
                }

                MemorySegment name = a.allocate(Native.SOCKADDR_LENGTH);
                int nameLength = SocketAddresses.write(name, address, port);
                if ((int) Native.BIND.invokeExact(state, fd, name, nameLength) < 0) {
                    throw new SocketException(
                            "bind("
                                    + SocketAddresses.format(address, port)
                                    + "): "
                                    + Native.describe(Native.errno(state)));
                }
                MemorySegment len = a.allocate(Native.INT);
                len.set(Native.INT, 0, Native.SOCKADDR_LENGTH);
                if ((int) Native.GETSOCKNAME.invokeExact(state, fd, name, len) < 0) {
                    throw new SocketException(
                            "getsockname(): " + Native.describe(Native.errno(state)));
                }
                int bound = Short.toUnsignedInt(name.get(Native.SHORT_BE, 2));
                return new TimestampedSocket(fd, v6, address, bound, rx, tx);
            } catch (SocketException | RuntimeException e) {
                closeQuietly(fd);
                throw e;
            }
        } catch (SocketException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SocketException("native socket call failed: " + t);
        }
    }

    private static void setOption(
            MemorySegment state, int fd, int level, int name, MemorySegment value, String what)
            throws Throwable {
        int r =
                (int)
                        Native.SETSOCKOPT.invokeExact(
                                state, fd, level, name, value, (int) value.byteSize());
        if (r < 0) {
            throw new SocketException(
                    "setsockopt(" + what + "): " + Native.describe(Native.errno(state)));
        }
    }

    private static boolean trySetOption(
            MemorySegment state, int fd, int level, int name, MemorySegment value)
            throws Throwable {
        return (int)
                        Native.SETSOCKOPT.invokeExact(
                                state, fd, level, name, value, (int) value.byteSize())
                == 0;
    }

    private static void closeQuietly(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) Native.CLOSE.invokeExact(Native.callState(a), fd);
        } catch (Throwable ignored) {
            // nothing more to do for a socket that failed to open
        }
    }

    /** The bound port (the ephemeral one when bound to port 0). */
    public int port() {
        return port;
    }

    /** The bound address. */
    public InetAddress address() {
        return address;
    }

    /** Whether this is an IPv6 socket (IPv4 peers of a dual-stack one appear IPv4-mapped). */
    public boolean ipv6() {
        return ipv6;
    }

    /** How received datagrams are timestamped. */
    public ReceiveTimestamps receiveTimestamps() {
        return receiveTimestamps;
    }

    /** Whether datagrams sent can ask for their kernel transmit timestamp. */
    public boolean transmitTimestamps() {
        return transmitTimestamps;
    }

    boolean closed() {
        return closed;
    }

    /**
     * Ends a receive waiting on this socket and makes later ones return at once (shutdown of the
     * receive side); safe from any thread.
     */
    public void wakeUp() {
        if (closed) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            // UDP answers ENOTCONN but still marks the socket shut and wakes its readers
            int ignored =
                    (int) Native.SHUTDOWN.invokeExact(Native.callState(a), fd, Native.SHUT_RD);
        } catch (Throwable ignored) {
            // the receive timeout ends the wait anyway
        }
    }

    /** Closes the descriptor; call from the thread that used it, once it no longer does. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) Native.CLOSE.invokeExact(callState, fd);
        } catch (Throwable ignored) {
            // nothing left to release
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "TimestampedSocket["
                + SocketAddresses.format(address, port)
                + ", rx="
                + receiveTimestamps
                + ", tx="
                + (transmitTimestamps ? "SO_TIMESTAMPING" : "none")
                + "]";
    }

    static IOException failure(String call, int errno) {
        return new IOException(call + ": " + Native.describe(errno));
    }

    static boolean isIpv4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
