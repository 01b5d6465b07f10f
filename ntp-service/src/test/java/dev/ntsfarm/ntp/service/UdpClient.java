package dev.ntsfarm.ntp.service;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A blocking loopback UDP client for tests: send bytes, read the answer or nothing within a
 * timeout.
 */
final class UdpClient implements AutoCloseable {

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final byte[] buf = new byte[4096];
    long bytesReceived;
    long datagramsReceived;

    UdpClient(String host, int port) throws IOException {
        InetAddress address = InetAddress.ofLiteral(host);
        this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
        this.server = new InetSocketAddress(address, port);
    }

    void send(byte[] packet) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, server));
    }

    /** The next datagram, or null when none comes within {@code timeoutMillis}. */
    byte[] receive(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        bytesReceived += p.getLength();
        datagramsReceived++;
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    byte[] exchange(byte[] packet, int timeoutMillis) throws IOException {
        send(packet);
        return receive(timeoutMillis);
    }

    @Override
    public void close() {
        socket.close();
    }
}
