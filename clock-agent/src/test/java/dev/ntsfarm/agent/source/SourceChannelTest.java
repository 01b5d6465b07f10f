package dev.ntsfarm.agent.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.agent.kernel.KernelClock;
import dev.ntsfarm.socket.DatagramBatch;
import dev.ntsfarm.socket.TimestampedSocket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A source's socket on loopback: what it sends leaves with a kernel transmit time, what comes back with a receive time. */
class SourceChannelTest {

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void sendsAndReceivesWithKernelTimestampsAndIgnoresStrangers() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket server = new DatagramSocket(0, lo); DatagramSocket stranger = new DatagramSocket(0, lo)) {
            CompletableFuture<byte[]> received = new CompletableFuture<>();
            CompletableFuture<Long> rxTime = new CompletableFuture<>();
            CompletableFuture<long[]> txTime = new CompletableFuture<>();
            try (SourceChannel c = new SourceChannel(lo, server.getLocalPort(), 0, new SourceChannel.Receiver() {
                @Override
                public void onDatagram(byte[] data, long kernelRx) {
                    received.complete(data);
                    rxTime.complete(kernelRx);
                }

                @Override
                public void onTransmitted(long tag, long kernelTx) {
                    txTime.complete(new long[] {tag, kernelTx});
                }
            })) {
                long before = KernelClock.realtimeNanos();
                long tag = c.send(new byte[] {1, 2, 3});
                assertTrue(tag > 0);
                DatagramPacket p = new DatagramPacket(new byte[16], 16);
                server.receive(p);
                assertEquals(3, p.getLength());
                // a stranger's datagram to the source's socket is not handed over
                stranger.send(new DatagramPacket(new byte[] {9}, 1, p.getSocketAddress()));
                server.send(new DatagramPacket(new byte[] {4, 5}, 2, p.getSocketAddress()));
                assertArrayEquals(new byte[] {4, 5}, received.get(10, TimeUnit.SECONDS));
                long after = KernelClock.realtimeNanos();
                assertEquals(TimestampedSocket.ReceiveTimestamps.SO_TIMESTAMPING, c.receiveTimestamps(), "Linux timestamps what it receives");
                assertTrue(c.transmitTimestamps(), "and what it sends");
                long rx = rxTime.get();
                assertTrue(rx != DatagramBatch.NO_TIMESTAMP && rx >= before && rx <= after, "receive time " + rx);
                long[] tx = txTime.get(10, TimeUnit.SECONDS);
                assertEquals(tag, tx[0]);
                assertTrue(tx[1] >= before && tx[1] <= rx, "transmit time " + tx[1]);
            }
        }
    }
}
