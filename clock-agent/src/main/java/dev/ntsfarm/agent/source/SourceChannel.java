package dev.ntsfarm.agent.source;

import dev.ntsfarm.socket.DatagramBatch;
import dev.ntsfarm.socket.SocketAddresses;
import dev.ntsfarm.socket.TimestampedSocket;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketException;

/**
 * One source's UDP socket, with the kernel's timestamps: every datagram from the source's address
 * comes with its receive time (T4), and every request sent with its transmit time (T1), both
 * CLOCK_REALTIME as SO_TIMESTAMPING gives them. Where the kernel gives none, the receive time is
 * {@link DatagramBatch#NO_TIMESTAMP} and no transmit time is reported: the caller then takes its
 * own (the time it reads the datagram, the time the send returned). A thread of its own waits on
 * the socket and calls the receiver; sends come from the caller's thread. Nothing here decides
 * anything.
 */
public final class SourceChannel implements AutoCloseable {

    /** What the channel hands back; called from the channel's thread. */
    public interface Receiver {
        /**
         * A datagram from the source, with its kernel receive time or {@link
         * DatagramBatch#NO_TIMESTAMP}.
         */
        void onDatagram(byte[] data, long kernelRx);

        /** The request sent with {@code tag} left at {@code kernelTx}. */
        void onTransmitted(long tag, long kernelTx);
    }

    /** The longest datagram kept whole: an NTS reply with eight cookies fits. */
    static final int MAX_DATAGRAM = 2048;

    private final TimestampedSocket socket;
    private final DatagramBatch in = new DatagramBatch(8, MAX_DATAGRAM);
    private final DatagramBatch out = new DatagramBatch(1, MAX_DATAGRAM);
    private final Thread reader;
    private long tags;
    private volatile boolean stopping;
    private boolean closed;
    private volatile long[] address;
    private volatile InetAddress inetAddress;
    private volatile int port;

    /**
     * Binds a socket for {@code address} ({@code localPort} 0 for an ephemeral one, a peer's {@code
     * port} otherwise) and starts handing its datagrams from the address to {@code receiver}.
     *
     * @throws SocketException when the socket cannot be made or bound
     */
    public SourceChannel(InetAddress address, int port, int localPort, Receiver receiver)
            throws SocketException {
        InetAddress bind =
                address.isLoopbackAddress()
                        ? address
                        : InetAddress.ofLiteral(address instanceof Inet6Address ? "::" : "0.0.0.0");
        this.socket =
                TimestampedSocket.bind(
                        bind, localPort, TimestampedSocket.Options.DEFAULT.withReusePort(false));
        redirect(address, port);
        this.reader =
                Thread.ofPlatform()
                        .daemon()
                        .name("source " + address.getHostAddress())
                        .start(() -> read(receiver));
    }

    private void read(Receiver receiver) {
        while (true) {
            int n;
            try {
                n = in.receive(socket);
            } catch (IOException e) {
                n = 0; // an ICMP error or the like: the socket goes on
            }
            if (n < 0 || stopping) {
                return;
            }
            // transmit times first, so a request's T1 is known before its reply is read; after a
            // receive timeout too, so the times of unanswered requests do not pile up
            synchronized (this) {
                in.readTransmitTimestamps(socket, receiver::onTransmitted);
            }
            long[] from = address;
            for (int i = 0; i < n; i++) {
                if (in.senderHigh(i) != from[0]
                        || in.senderLow(i) != from[1]
                        || in.senderPort(i) != port) {
                    continue;
                }
                byte[] data = new byte[in.length(i)];
                in.copy(i, data);
                receiver.onDatagram(data, in.receiveTimeNanos(i));
            }
        }
    }

    /** Where requests go from now on (NTS-KE named another server or port). */
    public void redirect(InetAddress address, int port) {
        this.address = SocketAddresses.toLongs(address);
        this.inetAddress = address;
        this.port = port;
    }

    /**
     * Sends {@code packet}, asking for its kernel transmit time where the kernel gives one.
     *
     * @return the tag {@link Receiver#onTransmitted} will report its transmit time with, or -1 when
     *     it could not be sent
     */
    public synchronized long send(byte[] packet) {
        if (closed) {
            return -1;
        }
        long tag = ++tags;
        long[] to = address;
        try {
            if (!out.queueTo(
                    socket,
                    to[0],
                    to[1],
                    port,
                    packet,
                    packet.length,
                    socket.transmitTimestamps(),
                    tag)) {
                return -1;
            }
        } catch (IllegalArgumentException e) {
            return -1; // redirected to an address of the other family, or a packet too long
        }
        return out.send(socket) == 1 ? tag : -1;
    }

    /** How the kernel timestamps what this socket receives. */
    public TimestampedSocket.ReceiveTimestamps receiveTimestamps() {
        return socket.receiveTimestamps();
    }

    /** Whether the kernel reports when each request left. */
    public boolean transmitTimestamps() {
        return socket.transmitTimestamps();
    }

    /** The address polled, as text. */
    public String addressText() {
        return inetAddress.getHostAddress();
    }

    /** Stops the channel's thread and closes the socket; blocks until the thread has ended. */
    @Override
    public void close() {
        stopping = true;
        socket.wakeUp(); // else the receive timeout ends the wait
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            closed = true;
            socket.close();
            in.close();
            out.close();
        }
    }
}
