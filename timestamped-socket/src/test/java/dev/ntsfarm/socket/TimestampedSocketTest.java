package dev.ntsfarm.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kernel's timestamps on real loopback datagrams, IPv4, IPv6 and dual stack. */
class TimestampedSocketTest {

    static long nowNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * Sends one datagram that nothing is checked of: the kernel turns receive timestamps on for the
     * whole stack a moment after the first socket asks (deferred work), and a datagram arriving in
     * that moment carries none.
     */
    static void prime(TimestampedSocket s, DatagramSocket client, InetAddress to) throws Exception {
        receiveFrom(s, client, to, "prime".getBytes()).close();
    }

    /** Sends from a plain JDK socket and reads one batch; returns the batch. */
    static DatagramBatch receiveFrom(
            TimestampedSocket s, DatagramSocket client, InetAddress to, byte[]... datagrams)
            throws Exception {
        for (byte[] d : datagrams) {
            client.send(new DatagramPacket(d, d.length, new InetSocketAddress(to, s.port())));
        }
        DatagramBatch b = new DatagramBatch(16, 2048);
        int n = 0;
        for (int tries = 0; n < datagrams.length && tries < 40; tries++) {
            int got = b.receive(s);
            n = got;
            if (got >= datagrams.length) {
                break;
            }
            if (got > 0) {
                break;
            }
        }
        assertTrue(n >= 1, "received");
        return b;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void ipv4DatagramCarriesItsKernelReceiveTimeAndSenderAndReplyGetsTransmitTime()
            throws Exception {
        InetAddress lo = InetAddress.ofLiteral("127.0.0.1");
        try (TimestampedSocket s =
                        TimestampedSocket.bind(lo, 0, TimestampedSocket.Options.DEFAULT);
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            assertEquals(
                    TimestampedSocket.ReceiveTimestamps.SO_TIMESTAMPING, s.receiveTimestamps());
            assertTrue(s.transmitTimestamps());
            client.setSoTimeout(5000);
            prime(s, client, lo);
            long before = nowNanos();
            byte[] request = "what time is it".getBytes();
            DatagramBatch b = receiveFrom(s, client, lo, request);
            long after = nowNanos();
            assertEquals(request.length, b.length(0));
            byte[] copy = new byte[2049];
            assertEquals(request.length, b.copy(0, copy));
            assertArrayEquals(request, Arrays.copyOf(copy, request.length));
            long rx = b.receiveTimeNanos(0);
            assertTrue(
                    rx >= before && rx <= after,
                    "kernel receive time " + rx + " within [" + before + ", " + after + "]");
            assertEquals(0, b.senderHigh(0));
            assertEquals(SocketAddresses.toLongs(lo)[1], b.senderLow(0));
            assertEquals(client.getLocalPort(), b.senderPort(0));

            // two replies: one asks for its transmit time, the other does not
            byte[] reply = "now".getBytes();
            assertTrue(b.queueReply(0, reply, reply.length, false, 0));
            assertTrue(b.queueReply(0, reply, reply.length, true, 42));
            long sendBefore = nowNanos();
            assertEquals(2, b.send(s));
            long sendAfter = nowNanos();
            assertEquals(
                    1, s.transmitTimestampsAwaited(), "one of the two asked for its transmit time");
            for (int i = 0; i < 2; i++) {
                DatagramPacket p = new DatagramPacket(new byte[64], 64);
                client.receive(p);
                assertEquals("now", new String(p.getData(), 0, p.getLength()));
            }
            List<long[]> stamps = new ArrayList<>();
            assertEquals(
                    1,
                    b.readTransmitTimestamps(
                            s, (tag, nanos) -> stamps.add(new long[] {tag, nanos})));
            assertEquals(42, stamps.getFirst()[0]);
            long tx = stamps.getFirst()[1];
            assertTrue(
                    tx >= sendBefore && tx <= sendAfter,
                    "kernel transmit time within the send call");
            assertEquals(
                    0,
                    b.readTransmitTimestamps(
                            s, (tag, nanos) -> stamps.add(new long[] {tag, nanos})),
                    "each timestamp is read once");
            assertEquals(
                    0,
                    s.transmitTimestampsAwaited(),
                    "none awaited once read: the next read makes no call");

            // the numbering stays in step: the next timestamped reply reports its own tag
            b.receive(sendAgain(s, client, lo));
            assertTrue(b.queueReply(0, reply, reply.length, true, 43));
            b.send(s);
            client.receive(new DatagramPacket(new byte[64], 64));
            stamps.clear();
            assertEquals(
                    1,
                    b.readTransmitTimestamps(
                            s, (tag, nanos) -> stamps.add(new long[] {tag, nanos})));
            assertEquals(43, stamps.getFirst()[0]);
            b.close();
        }
    }

    private static TimestampedSocket sendAgain(
            TimestampedSocket s, DatagramSocket client, InetAddress to) throws Exception {
        client.send(new DatagramPacket(new byte[48], 48, new InetSocketAddress(to, s.port())));
        return s;
    }

    /**
     * A reply written again after it was queued goes out as written last, to the same sender, with
     * the last transmit-timestamp request.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aRequeuedReplyLeavesAsWrittenLast() throws Exception {
        InetAddress lo = InetAddress.ofLiteral("127.0.0.1");
        try (TimestampedSocket s =
                        TimestampedSocket.bind(lo, 0, TimestampedSocket.Options.DEFAULT);
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            client.setSoTimeout(5000);
            prime(s, client, lo);
            DatagramBatch b = receiveFrom(s, client, lo, "request".getBytes());
            assertThrows(
                    IllegalStateException.class, () -> b.requeueLast(new byte[1], 1, false, 0));
            assertTrue(b.queueReply(0, "first".getBytes(), 5, false, 0));
            b.requeueLast("second!".getBytes(), 7, true, 44);
            assertEquals(1, b.queued());
            assertEquals(1, b.send(s));
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            client.receive(p);
            assertEquals("second!", new String(p.getData(), 0, p.getLength()));
            List<Long> tags = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (tags.isEmpty() && System.nanoTime() < deadline) {
                b.readTransmitTimestamps(s, (tag, nanos) -> tags.add(tag));
            }
            assertEquals(List.of(44L), tags);
            b.close();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void ipv6AndDualStackSenders() throws Exception {
        InetAddress any = InetAddress.ofLiteral("::");
        InetAddress lo6 = InetAddress.ofLiteral("::1");
        InetAddress lo4 = InetAddress.ofLiteral("127.0.0.1");
        try (TimestampedSocket s =
                        TimestampedSocket.bind(any, 0, TimestampedSocket.Options.DEFAULT);
                DatagramSocket c6 = new DatagramSocket(new InetSocketAddress(lo6, 0));
                DatagramSocket c4 = new DatagramSocket(new InetSocketAddress(lo4, 0))) {
            assertTrue(s.ipv6());
            c6.setSoTimeout(5000);
            c4.setSoTimeout(5000);
            prime(s, c6, lo6);
            for (DatagramSocket c : List.of(c6, c4)) {
                long before = nowNanos();
                DatagramBatch b = receiveFrom(s, c, c == c6 ? lo6 : lo4, new byte[48]);
                long rx = b.receiveTimeNanos(0);
                assertTrue(rx >= before && rx <= nowNanos(), "kernel receive time");
                long[] expected = SocketAddresses.toLongs(c == c6 ? lo6 : lo4);
                assertEquals(expected[0], b.senderHigh(0));
                assertEquals(expected[1], b.senderLow(0));
                assertEquals(
                        c == c6 ? lo6 : lo4,
                        SocketAddresses.toInetAddress(b.senderHigh(0), b.senderLow(0)));
                byte[] reply = {1, 2, 3};
                b.queueReply(0, reply, 3, true, 7);
                assertEquals(1, b.send(s));
                DatagramPacket p = new DatagramPacket(new byte[8], 8);
                c.receive(p);
                assertEquals(3, p.getLength());
                long[] tag = {-1};
                assertEquals(1, b.readTransmitTimestamps(s, (t, n) -> tag[0] = t));
                assertEquals(7, tag[0]);
                b.close();
            }
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void reusePortSocketsShareOnePortAndBatchesReadSeveral() throws Exception {
        InetAddress lo = InetAddress.ofLiteral("127.0.0.1");
        try (TimestampedSocket a =
                        TimestampedSocket.bind(lo, 0, TimestampedSocket.Options.DEFAULT);
                TimestampedSocket b =
                        TimestampedSocket.bind(lo, a.port(), TimestampedSocket.Options.DEFAULT);
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            assertEquals(a.port(), b.port());
            // one client's datagrams all go to one of the two sockets (SO_REUSEPORT hashes the
            // 4-tuple)
            for (int i = 0; i < 5; i++) {
                client.send(
                        new DatagramPacket(
                                new byte[] {(byte) i}, 1, new InetSocketAddress(lo, a.port())));
            }
            DatagramBatch batch = new DatagramBatch(16, 2048);
            int total = 0;
            for (TimestampedSocket s : List.of(a, b)) {
                int n = batch.receive(s);
                total += Math.max(0, n);
            }
            assertEquals(5, total, "five datagrams read in batches from the two sockets");
            batch.close();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void wakeUpEndsAWaitingReceive() throws Exception {
        try (TimestampedSocket s =
                        TimestampedSocket.bind(
                                InetAddress.ofLiteral("127.0.0.1"),
                                0,
                                TimestampedSocket.Options.DEFAULT.withReceiveTimeoutMillis(
                                        10_000));
                DatagramBatch b = new DatagramBatch(4, 512)) {
            CompletableFuture<Integer> r =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return b.receive(s);
                                } catch (Exception e) {
                                    throw new RuntimeException(e);
                                }
                            });
            // whether the receive is already waiting or not, it ends at once, not after 10 s
            s.wakeUp();
            assertEquals(-1, r.get(5, TimeUnit.SECONDS), "woken, well before the 10 s timeout");
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void tooLongDatagramShowsAsLongerThanTheBatchKeeps() throws Exception {
        InetAddress lo = InetAddress.ofLiteral("127.0.0.1");
        try (TimestampedSocket s =
                        TimestampedSocket.bind(lo, 0, TimestampedSocket.Options.DEFAULT);
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            client.send(
                    new DatagramPacket(new byte[600], 600, new InetSocketAddress(lo, s.port())));
            DatagramBatch b = new DatagramBatch(2, 512);
            assertEquals(1, b.receive(s));
            assertEquals(513, b.length(0));
            assertFalse(b.length(0) <= 512);
            b.close();
        }
    }
}
