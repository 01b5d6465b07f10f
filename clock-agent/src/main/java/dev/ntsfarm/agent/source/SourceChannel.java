package dev.ntsfarm.agent.source;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.function.Consumer;

/**
 * One source's UDP socket: it sends what the source's machine asks to send to the address it was
 * resolved to, and hands every datagram from that address back. Nothing here decides anything.
 */
public final class SourceChannel {

    private final Vertx vertx;
    private DatagramSocket socket;
    private volatile InetAddress address;
    private int port;

    public SourceChannel(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Binds a socket for {@code address} ({@code localPort} 0 for an ephemeral one, a peer's
     * {@code port} otherwise) and starts passing its datagrams from the address to {@code receiver}.
     */
    public Future<Void> open(InetAddress address, int port, int localPort, Consumer<byte[]> receiver) {
        this.address = address;
        this.port = port;
        socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(address instanceof Inet6Address));
        socket.handler((DatagramPacket p) -> {
            InetAddress from = this.address;
            if (from != null && p.sender().hostAddress().equals(from.getHostAddress())) {
                receiver.accept(p.data().getBytes());
            }
        });
        String any = address instanceof Inet6Address ? "::" : "0.0.0.0";
        return socket.listen(localPort, address.isLoopbackAddress() ? address.getHostAddress() : any).mapEmpty();
    }

    /** Where requests go from now on (NTS-KE named another server or port). */
    public void redirect(InetAddress address, int port) {
        this.address = address;
        this.port = port;
    }

    /** Sends {@code packet}; completes when it has left (the moment taken as T1). */
    public Future<Void> send(byte[] packet) {
        if (socket == null) {
            return Future.failedFuture("not open");
        }
        // the address is already resolved: the text form needs no lookup
        return socket.send(Buffer.buffer(packet), port, address.getHostAddress());
    }

    /** The address polled, as text. */
    public String addressText() {
        InetAddress a = address;
        return a == null ? "" : a.getHostAddress();
    }

    public InetAddress address() {
        return address;
    }

    public Future<Void> close() {
        return socket == null ? Future.succeededFuture() : socket.close();
    }
}
