package dev.ntsfarm.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's native buffers for a {@link TimestampedSocket}: a batch of datagrams received with
 * one {@code recvmmsg} (each with its sender and kernel receive time), a batch of datagrams queued
 * to be sent with one {@code sendmmsg} (each may ask for its kernel transmit time), and the reading
 * of those transmit times from the error queue. Everything is allocated once; receiving, replying
 * and reading timestamps allocate nothing. Not thread-safe.
 */
public final class DatagramBatch implements AutoCloseable {

    /** What {@link #receiveTimeNanos} says when the kernel gave no timestamp. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** Receives kernel transmit timestamps read from the error queue. */
    @FunctionalInterface
    public interface TransmitTimestampSink {
        /**
         * @param tag what the sender passed with the datagram ({@link #queueReply})
         * @param unixNanos the kernel's transmit time, nanoseconds since 1970 (CLOCK_REALTIME)
         */
        void onTransmitTimestamp(long tag, long unixNanos);
    }

    private static final long NAME = 32;
    private static final long RX_CONTROL = 128;

    /** One SO_TIMESTAMPING control message of a u32: CMSG_SPACE(4). */
    private static final long TX_CONTROL = 24;

    private static final long ERR_CONTROL = 192;
    private static final int ERR_BATCH = 32;
    private static final long ERR_DATA = 64;

    private final int capacity;
    private final int maxDatagram;
    private final long slot;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = Native.callState(arena);

    private final MemorySegment rxHeaders;
    private final MemorySegment rxIov;
    private final MemorySegment rxNames;
    private final MemorySegment rxData;
    private final MemorySegment rxControl;
    private final long[] rxTimes;
    private int received;

    private final MemorySegment txHeaders;
    private final MemorySegment txIov;
    private final MemorySegment txNames;
    private final MemorySegment txData;
    private final MemorySegment txControl;
    private final long[] txTags;
    private final boolean[] txWantsTimestamp;
    private int queued;
    private long sendErrors;
    private long sends;
    private int lastSendErrno;

    private final MemorySegment errHeaders;
    private final MemorySegment errIov;
    private final MemorySegment errData;
    private final MemorySegment errControl;

    /**
     * @param capacity datagrams per receive and per send batch (16 is a good size)
     * @param maxDatagram the longest datagram kept whole; a longer one reads as {@code maxDatagram
     *     + 1} bytes, so it shows as too long rather than silently cut
     */
    public DatagramBatch(int capacity, int maxDatagram) {
        if (capacity < 1 || capacity > 1024 || maxDatagram < 1 || maxDatagram > 65507) {
            throw new IllegalArgumentException(
                    "batch of "
                            + capacity
                            + " datagrams of "
                            + maxDatagram
                            + " bytes (expected: 1..1024 datagrams of 1..65507 bytes)");
        }
        this.capacity = capacity;
        this.maxDatagram = maxDatagram;
        this.slot = (maxDatagram + 1 + 7) & ~7L;
        rxHeaders = arena.allocate(Native.MMSGHDR_SIZE * capacity, 8);
        rxIov = arena.allocate(Native.IOVEC_SIZE * capacity, 8);
        rxNames = arena.allocate(NAME * capacity, 8);
        rxData = arena.allocate(slot * capacity, 8);
        rxControl = arena.allocate(RX_CONTROL * capacity, 8);
        rxTimes = new long[capacity];
        txHeaders = arena.allocate(Native.MMSGHDR_SIZE * capacity, 8);
        txIov = arena.allocate(Native.IOVEC_SIZE * capacity, 8);
        txNames = arena.allocate(NAME * capacity, 8);
        txData = arena.allocate(slot * capacity, 8);
        txControl = arena.allocate(TX_CONTROL * capacity, 8);
        txTags = new long[capacity];
        txWantsTimestamp = new boolean[capacity];
        errHeaders = arena.allocate(Native.MMSGHDR_SIZE * ERR_BATCH, 8);
        errIov = arena.allocate(Native.IOVEC_SIZE * ERR_BATCH, 8);
        errData = arena.allocate(ERR_DATA * ERR_BATCH, 8);
        errControl = arena.allocate(ERR_CONTROL * ERR_BATCH, 8);
        for (int i = 0; i < capacity; i++) {
            long h = Native.MMSGHDR_SIZE * i;
            rxIov.set(Native.LONG, Native.IOVEC_SIZE * i, rxData.address() + slot * i);
            rxIov.set(Native.LONG, Native.IOVEC_SIZE * i + 8, maxDatagram + 1);
            rxHeaders.set(Native.LONG, h + Native.MSG_NAME, rxNames.address() + NAME * i);
            rxHeaders.set(Native.LONG, h + Native.MSG_IOV, rxIov.address() + Native.IOVEC_SIZE * i);
            rxHeaders.set(Native.LONG, h + Native.MSG_IOVLEN, 1);
            rxHeaders.set(
                    Native.LONG, h + Native.MSG_CONTROL, rxControl.address() + RX_CONTROL * i);
            txIov.set(Native.LONG, Native.IOVEC_SIZE * i, txData.address() + slot * i);
            txHeaders.set(Native.LONG, h + Native.MSG_NAME, txNames.address() + NAME * i);
            txHeaders.set(Native.LONG, h + Native.MSG_IOV, txIov.address() + Native.IOVEC_SIZE * i);
            txHeaders.set(Native.LONG, h + Native.MSG_IOVLEN, 1);
            // the transmit-timestamp request, attached only to datagrams that ask for it
            long c = TX_CONTROL * i;
            txControl.set(Native.LONG, c, Native.CMSG_HEADER + 4);
            txControl.set(Native.INT, c + 8, Native.SOL_SOCKET);
            txControl.set(Native.INT, c + 12, Native.SO_TIMESTAMPING);
            txControl.set(Native.INT, c + 16, Native.SOF_TIMESTAMPING_TX_SOFTWARE);
        }
        for (int i = 0; i < ERR_BATCH; i++) {
            long h = Native.MMSGHDR_SIZE * i;
            errIov.set(Native.LONG, Native.IOVEC_SIZE * i, errData.address() + ERR_DATA * i);
            errIov.set(Native.LONG, Native.IOVEC_SIZE * i + 8, ERR_DATA);
            errHeaders.set(
                    Native.LONG, h + Native.MSG_IOV, errIov.address() + Native.IOVEC_SIZE * i);
            errHeaders.set(Native.LONG, h + Native.MSG_IOVLEN, 1);
            errHeaders.set(
                    Native.LONG, h + Native.MSG_CONTROL, errControl.address() + ERR_CONTROL * i);
        }
    }

    /** Datagrams per batch. */
    public int capacity() {
        return capacity;
    }

    /**
     * Waits until at least one datagram is there (or the socket's receive timeout passes) and reads
     * up to {@link #capacity()} of them.
     *
     * @return the number read (0 after a timeout or an interrupted wait), or -1 once the socket was
     *     woken up to stop ({@link TimestampedSocket#wakeUp()}) or closed
     * @throws IOException on any other receive error (the socket stays usable)
     */
    public int receive(TimestampedSocket socket) throws IOException {
        received = 0;
        if (socket.closed()) {
            return -1;
        }
        for (int i = 0; i < capacity; i++) {
            long h = Native.MMSGHDR_SIZE * i;
            rxHeaders.set(Native.INT, h + Native.MSG_NAMELEN, (int) NAME);
            rxHeaders.set(Native.LONG, h + Native.MSG_CONTROLLEN, RX_CONTROL);
            rxHeaders.set(Native.INT, h + Native.MSG_FLAGS, 0);
        }
        int n;
        try {
            n =
                    (int)
                            Native.RECVMMSG.invokeExact(
                                    callState,
                                    socket.fd,
                                    rxHeaders,
                                    capacity,
                                    Native.MSG_WAITFORONE,
                                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IOException("recvmmsg: " + t, t);
        }
        if (n < 0) {
            int errno = Native.errno(callState);
            if (errno == Native.EAGAIN || errno == Native.EINTR) {
                return 0;
            }
            throw TimestampedSocket.failure("recvmmsg", errno);
        }
        // a shut-down socket reads as empty datagrams without a sender
        if (n > 0
                && rxHeaders.get(Native.INT, Native.MSG_NAMELEN) == 0
                && rxHeaders.get(Native.INT, Native.MMSG_LEN) == 0) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            rxTimes[i] = receiveTime(i);
        }
        received = n;
        return n;
    }

    /** The kernel's receive time of datagram {@code i} from its control messages. */
    private long receiveTime(int i) {
        long h = Native.MMSGHDR_SIZE * i;
        long end =
                RX_CONTROL * i
                        + Math.min(
                                RX_CONTROL, rxHeaders.get(Native.LONG, h + Native.MSG_CONTROLLEN));
        long c = RX_CONTROL * i;
        while (c + Native.CMSG_HEADER <= end) {
            long len = rxControl.get(Native.LONG, c);
            if (len < Native.CMSG_HEADER || c + len > end) {
                break;
            }
            int level = rxControl.get(Native.INT, c + 8);
            int type = rxControl.get(Native.INT, c + 12);
            if (level == Native.SOL_SOCKET
                    && (type == Native.SCM_TIMESTAMPING || type == Native.SCM_TIMESTAMPNS)
                    && len >= Native.CMSG_HEADER + 16) {
                // scm_timestamping: ts[0] is the software time; SCM_TIMESTAMPNS is one timespec
                long sec = rxControl.get(Native.LONG, c + Native.CMSG_HEADER);
                long nsec = rxControl.get(Native.LONG, c + Native.CMSG_HEADER + 8);
                if (sec != 0 || nsec != 0) {
                    return sec * 1_000_000_000L + nsec;
                }
            }
            c += Native.cmsgAlign(len);
        }
        return NO_TIMESTAMP;
    }

    /** Datagrams the last {@link #receive} read. */
    public int received() {
        return received;
    }

    /**
     * The length of datagram {@code i}: more than {@code maxDatagram} means it was longer and cut.
     */
    public int length(int i) {
        check(i);
        return rxHeaders.get(Native.INT, Native.MMSGHDR_SIZE * i + Native.MMSG_LEN);
    }

    /**
     * The kernel's receive time of datagram {@code i} in nanoseconds since 1970, or {@link
     * #NO_TIMESTAMP}.
     */
    public long receiveTimeNanos(int i) {
        check(i);
        return rxTimes[i];
    }

    /**
     * Copies datagram {@code i} (at most {@code maxDatagram + 1} bytes) to {@code dst[0]}; returns
     * its length.
     */
    public int copy(int i, byte[] dst) {
        int len = Math.min(length(i), Math.min(maxDatagram + 1, dst.length));
        MemorySegment.copy(rxData, Native.BYTE, slot * i, dst, 0, len);
        return len;
    }

    /** The sender's address of datagram {@code i}, high 64 bits (IPv4 senders: 0). */
    public long senderHigh(int i) {
        check(i);
        return SocketAddresses.high(rxNames, NAME * i);
    }

    /** The sender's address of datagram {@code i}, low 64 bits (IPv4 senders: IPv4-mapped). */
    public long senderLow(int i) {
        check(i);
        return SocketAddresses.low(rxNames, NAME * i);
    }

    /** The sender's UDP port of datagram {@code i}. */
    public int senderPort(int i) {
        check(i);
        return SocketAddresses.port(rxNames, NAME * i);
    }

    /** Whether datagram {@code i} came with a sender address the kernel filled in. */
    public boolean hasSender(int i) {
        check(i);
        return rxHeaders.get(Native.INT, Native.MMSGHDR_SIZE * i + Native.MSG_NAMELEN)
                >= Native.SOCKADDR_IN_LENGTH;
    }

    private void check(int i) {
        if (i < 0 || i >= received) {
            throw new IndexOutOfBoundsException("datagram " + i + " of " + received);
        }
    }

    /**
     * Queues {@code data[0, length)} to the sender of received datagram {@code i}.
     *
     * @param transmitTimestamp whether to read this datagram's kernel transmit time back ({@link
     *     #readTransmitTimestamps}), reported with {@code tag}
     * @return false when the send batch is full (send it first)
     */
    public boolean queueReply(int i, byte[] data, int length, boolean transmitTimestamp, long tag) {
        check(i);
        if (queued == capacity) {
            return false;
        }
        long nameLen = rxHeaders.get(Native.INT, Native.MMSGHDR_SIZE * i + Native.MSG_NAMELEN);
        MemorySegment.copy(rxNames, NAME * i, txNames, NAME * queued, NAME);
        queue(data, length, (int) nameLen, transmitTimestamp, tag);
        return true;
    }

    /**
     * Queues {@code data[0, length)} to {@code high:low} port {@code port} (an IPv4 address as
     * IPv4-mapped, which an IPv6 socket sends as such and an IPv4 socket as plain IPv4).
     *
     * @return false when the send batch is full
     */
    public boolean queueTo(
            TimestampedSocket socket,
            long high,
            long low,
            int port,
            byte[] data,
            int length,
            boolean transmitTimestamp,
            long tag) {
        if (queued == capacity) {
            return false;
        }
        long n = NAME * queued;
        txNames.asSlice(n, NAME).fill((byte) 0);
        int nameLen;
        if (socket.ipv6) {
            txNames.set(Native.SHORT_BE, n, Short.reverseBytes((short) Native.AF_INET6));
            txNames.set(Native.SHORT_BE, n + 2, (short) port);
            txNames.set(Native.LONG_BE, n + 8, high);
            txNames.set(Native.LONG_BE, n + 16, low);
            nameLen = Native.SOCKADDR_LENGTH;
        } else {
            if (!SocketAddresses.isIpv4(high, low)) {
                throw new IllegalArgumentException("an IPv6 destination for an IPv4 socket");
            }
            txNames.set(Native.SHORT_BE, n, Short.reverseBytes((short) Native.AF_INET));
            txNames.set(Native.SHORT_BE, n + 2, (short) port);
            txNames.set(Native.INT_BE, n + 4, (int) low);
            nameLen = Native.SOCKADDR_IN_LENGTH;
        }
        queue(data, length, nameLen, transmitTimestamp, tag);
        return true;
    }

    private void queue(byte[] data, int length, int nameLen, boolean transmitTimestamp, long tag) {
        if (length < 0 || length > maxDatagram) {
            throw new IllegalArgumentException(
                    "datagram of " + length + " bytes (expected: 0.." + maxDatagram + ")");
        }
        int j = queued;
        long h = Native.MMSGHDR_SIZE * j;
        MemorySegment.copy(data, 0, txData, Native.BYTE, slot * j, length);
        txIov.set(Native.LONG, Native.IOVEC_SIZE * j + 8, length);
        txHeaders.set(Native.INT, h + Native.MSG_NAMELEN, nameLen);
        if (transmitTimestamp) {
            txHeaders.set(
                    Native.LONG, h + Native.MSG_CONTROL, txControl.address() + TX_CONTROL * j);
            txHeaders.set(Native.LONG, h + Native.MSG_CONTROLLEN, TX_CONTROL);
        } else {
            txHeaders.set(Native.LONG, h + Native.MSG_CONTROL, 0);
            txHeaders.set(Native.LONG, h + Native.MSG_CONTROLLEN, 0);
        }
        txHeaders.set(Native.INT, h + Native.MSG_FLAGS, 0);
        txWantsTimestamp[j] = transmitTimestamp;
        txTags[j] = tag;
        queued++;
    }

    /**
     * Replaces the data and transmit-timestamp request of the datagram queued last (its destination
     * stays), for a reply written again just before the send.
     */
    public void requeueLast(byte[] data, int length, boolean transmitTimestamp, long tag) {
        if (queued == 0) {
            throw new IllegalStateException("no datagram queued");
        }
        int nameLen =
                txHeaders.get(Native.INT, Native.MMSGHDR_SIZE * (queued - 1) + Native.MSG_NAMELEN);
        queued--;
        queue(data, length, nameLen, transmitTimestamp, tag);
    }

    /** Datagrams queued and not yet sent. */
    public int queued() {
        return queued;
    }

    /**
     * Sends every queued datagram ({@code sendmmsg}, as few calls as the kernel allows). A datagram
     * the kernel refuses (no route, buffer full) is skipped and counted; the rest still go.
     *
     * @return the number sent
     */
    public int send(TimestampedSocket socket) {
        int total = queued;
        int done = 0;
        int sent = 0;
        boolean stamps = socket.transmitTimestamps();
        while (done < total) {
            int n;
            MemorySegment from =
                    done == 0 ? txHeaders : txHeaders.asSlice(Native.MMSGHDR_SIZE * done);
            try {
                n = (int) Native.SENDMMSG.invokeExact(callState, socket.fd, from, total - done, 0);
            } catch (Throwable t) {
                throw new IllegalStateException("sendmmsg: " + t, t);
            }
            sends++;
            if (n <= 0) {
                int errno = n < 0 ? Native.errno(callState) : 0;
                if (errno == Native.EINTR) {
                    continue;
                }
                sendErrors++;
                lastSendErrno = errno;
                done++; // the first of the rest failed: skip it
                continue;
            }
            for (int j = done; j < done + n; j++) {
                if (stamps && txWantsTimestamp[j]) {
                    // the kernel numbers timestamped datagrams 0, 1, 2, ... per socket (OPT_ID)
                    int id = socket.nextTxId++;
                    int k = id & (TimestampedSocket.TX_TAGS - 1);
                    socket.txIds[k] = id;
                    socket.txTags[k] = txTags[j];
                    socket.txAwaited = Math.min(socket.txAwaited + 1, TimestampedSocket.TX_TAGS);
                }
            }
            sent += n;
            done += n;
        }
        queued = 0;
        return sent;
    }

    /** The {@code sendmmsg} calls made, since this batch was made. */
    public long sends() {
        return sends;
    }

    /** Datagrams the kernel refused to send, since this batch was made. */
    public long sendErrors() {
        return sendErrors;
    }

    /** The errno of the last refused send, 0 when none. */
    public int lastSendErrno() {
        return lastSendErrno;
    }

    /**
     * Reads the transmit timestamps waiting in the socket's error queue, without waiting, and hands
     * each to {@code sink} with the tag its datagram was queued with.
     *
     * @return the number handed over
     */
    public int readTransmitTimestamps(TimestampedSocket socket, TransmitTimestampSink sink) {
        if (!socket.transmitTimestamps() || socket.closed() || socket.txAwaited == 0) {
            return 0; // nothing asked for, nothing to read: no system call
        }
        int total = 0;
        while (true) {
            for (int i = 0; i < ERR_BATCH; i++) {
                long h = Native.MMSGHDR_SIZE * i;
                errHeaders.set(Native.LONG, h + Native.MSG_NAME, 0);
                errHeaders.set(Native.INT, h + Native.MSG_NAMELEN, 0);
                errHeaders.set(Native.LONG, h + Native.MSG_CONTROLLEN, ERR_CONTROL);
                errHeaders.set(Native.INT, h + Native.MSG_FLAGS, 0);
            }
            int n;
            try {
                n =
                        (int)
                                Native.RECVMMSG.invokeExact(
                                        callState,
                                        socket.fd,
                                        errHeaders,
                                        ERR_BATCH,
                                        Native.MSG_ERRQUEUE | Native.MSG_DONTWAIT,
                                        MemorySegment.NULL);
            } catch (Throwable t) {
                throw new IllegalStateException("recvmmsg(MSG_ERRQUEUE): " + t, t);
            }
            if (n <= 0) {
                return total;
            }
            for (int i = 0; i < n; i++) {
                total += transmitTimestamp(socket, i, sink);
            }
            if (n < ERR_BATCH) {
                return total;
            }
        }
    }

    private int transmitTimestamp(TimestampedSocket socket, int i, TransmitTimestampSink sink) {
        long h = Native.MMSGHDR_SIZE * i;
        long c = ERR_CONTROL * i;
        long end =
                c + Math.min(ERR_CONTROL, errHeaders.get(Native.LONG, h + Native.MSG_CONTROLLEN));
        long nanos = NO_TIMESTAMP;
        long id = -1;
        while (c + Native.CMSG_HEADER <= end) {
            long len = errControl.get(Native.LONG, c);
            if (len < Native.CMSG_HEADER || c + len > end) {
                break;
            }
            int level = errControl.get(Native.INT, c + 8);
            int type = errControl.get(Native.INT, c + 12);
            long data = c + Native.CMSG_HEADER;
            if (level == Native.SOL_SOCKET
                    && type == Native.SCM_TIMESTAMPING
                    && len >= Native.CMSG_HEADER + 16) {
                long sec = errControl.get(Native.LONG, data);
                long nsec = errControl.get(Native.LONG, data + 8);
                if (sec != 0 || nsec != 0) {
                    nanos = sec * 1_000_000_000L + nsec;
                }
            } else if (((level == Native.IPPROTO_IP && type == Native.IP_RECVERR)
                            || (level == Native.IPPROTO_IPV6 && type == Native.IPV6_RECVERR))
                    && len >= Native.CMSG_HEADER + 16) {
                // struct sock_extended_err: errno u32, origin u8, type u8, code u8, pad u8, info
                // u32, data u32
                int origin = Byte.toUnsignedInt(errControl.get(Native.BYTE, data + 4));
                int info = errControl.get(Native.INT, data + 8);
                if (origin == Native.SO_EE_ORIGIN_TIMESTAMPING && info == Native.SCM_TSTAMP_SND) {
                    id = Integer.toUnsignedLong(errControl.get(Native.INT, data + 12));
                }
            }
            c += Native.cmsgAlign(len);
        }
        if (id < 0 || nanos == NO_TIMESTAMP) {
            return 0;
        }
        socket.txAwaited = Math.max(socket.txAwaited - 1, 0);
        int k = (int) id & (TimestampedSocket.TX_TAGS - 1);
        if (socket.txIds[k] != (int) id) {
            return 0; // too old: its slot went to a later datagram
        }
        socket.txIds[k] = -1;
        sink.onTransmitTimestamp(socket.txTags[k], nanos);
        return 1;
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "DatagramBatch[" + capacity + " x " + maxDatagram + " bytes]";
    }
}
