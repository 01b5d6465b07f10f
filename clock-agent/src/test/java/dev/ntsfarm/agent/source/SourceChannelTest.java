package dev.ntsfarm.agent.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.agent.kernel.KernelClock;
import dev.ntsfarm.socket.DatagramBatch;
import dev.ntsfarm.socket.TimestampedSocket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A source's socket on loopback: what it sends leaves with a kernel transmit time, what comes back
 * with a receive time.
 */
class SourceChannelTest {

    record Received(byte[] data, long kernelRx) {}

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void sendsAndReceivesWithKernelTimestampsAndIgnoresStrangers() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        Map<Long, Long> transmitted = new ConcurrentHashMap<>();
        try (DatagramSocket server = new DatagramSocket(0, lo);
                DatagramSocket stranger = new DatagramSocket(0, lo);
                SourceChannel c =
                        new SourceChannel(
                                lo,
                                server.getLocalPort(),
                                0,
                                new SourceChannel.Receiver() {
                                    @Override
                                    public void onDatagram(byte[] data, long kernelRx) {
                                        received.add(new Received(data, kernelRx));
                                    }

                                    @Override
                                    public void onTransmitted(long tag, long kernelTx) {
                                        transmitted.put(tag, kernelTx);
                                    }
                                })) {
            assertEquals(
                    TimestampedSocket.ReceiveTimestamps.SO_TIMESTAMPING,
                    c.receiveTimestamps(),
                    "Linux timestamps what it receives");
            assertTrue(c.transmitTimestamps(), "and what it sends");
            server.setSoTimeout(10_000);
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            // the kernel turns receive timestamps on a moment after the first socket asks: one
            // exchange first
            c.send(new byte[] {0});
            server.receive(p);
            server.send(new DatagramPacket(new byte[] {0}, 1, p.getSocketAddress()));
            assertNotNull(received.poll(10, TimeUnit.SECONDS));

            long before = KernelClock.realtimeNanos();
            long tag = c.send(new byte[] {1, 2, 3});
            assertTrue(tag > 0);
            server.receive(p);
            assertEquals(3, p.getLength());
            // a stranger's datagram to the source's socket is not handed over
            stranger.send(new DatagramPacket(new byte[] {9}, 1, p.getSocketAddress()));
            server.send(new DatagramPacket(new byte[] {4, 5}, 2, p.getSocketAddress()));
            Received reply = received.poll(10, TimeUnit.SECONDS);
            long after = KernelClock.realtimeNanos();
            assertNotNull(reply);
            assertArrayEquals(new byte[] {4, 5}, reply.data());
            long rx = reply.kernelRx();
            assertTrue(
                    rx != DatagramBatch.NO_TIMESTAMP && rx >= before && rx <= after,
                    "receive time " + rx);
            // the transmit time is read before the reply is handed over
            Long tx = transmitted.get(tag);
            assertNotNull(tx, "a kernel transmit time for the request");
            assertTrue(tx >= before && tx <= rx, "transmit time " + tx);
            assertTrue(received.isEmpty(), "nothing from the stranger");
        }
    }
}
