package dev.ntsfarm.ntp.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.ServerState;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import dev.ntsfarm.core.nts.NtpNtsServer;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.socket.DatagramBatch;
import dev.ntsfarm.socket.TimestampedSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One turn of a responder thread over a real loopback socket: how its replies leave. */
class ResponderLoopTest {

    private static final int REQUESTS = 5;

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aBatchsRepliesWaitForEachOtherOnlyAsLongAsTheBoundAllows() throws Exception {
        // no wait allowed: each reply leaves before the next datagram is handled
        assertEquals(REQUESTS, sendCallsForABurst(0));
        // any wait allowed: the batch leaves in one system call
        assertEquals(1, sendCallsForABurst(Long.MAX_VALUE));
    }

    /** Sends {@value #REQUESTS} requests at once, serves them, and returns the sendmmsg calls. */
    private static long sendCallsForABurst(long sendAfterNanos) throws Exception {
        InetAddress lo = InetAddress.ofLiteral("127.0.0.1");
        try (TimestampedSocket socket =
                        TimestampedSocket.bind(
                                lo,
                                0,
                                TimestampedSocket.Options.DEFAULT
                                        .withReusePort(false)
                                        .withReceiveTimeoutMillis(2_000));
                DatagramBatch batch =
                        new DatagramBatch(
                                ResponderLoop.RECV_BATCH, NtpNtsServer.MAX_REQUEST_LENGTH);
                DatagramChannel client = DatagramChannel.open()) {
            client.connect(new InetSocketAddress(lo, socket.port()));
            ResponderLoop loop =
                    new ResponderLoop(
                            socket,
                            server(),
                            SystemNtpClock.INSTANCE,
                            "test",
                            null,
                            sendAfterNanos);
            for (int i = 0; i < REQUESTS; i++) {
                byte[] request = new byte[48];
                request[0] = 0x23; // NTPv4, client
                request[47] = (byte) i;
                client.write(ByteBuffer.wrap(request));
            }
            int served = 0;
            while (served < REQUESTS) {
                int n = loop.serveOnce(batch);
                assertTrue(n > 0, "the requests arrive within the receive timeout");
                served += n;
            }
            for (int i = 0; i < REQUESTS; i++) {
                ByteBuffer reply = ByteBuffer.allocate(64);
                client.read(reply);
                assertEquals(48, reply.position(), "reply " + i);
            }
            return batch.sends();
        }
    }

    private static NtpNtsServer server() throws Exception {
        Config c = ((ConfigResult.Parsed) Config.parse("t.conf", "allow 127.0.0.1")).config();
        ServerState state =
                new ServerState(
                        LeapIndicator.NO_WARNING,
                        2,
                        6,
                        -20,
                        new NtpShort(0x10),
                        new NtpShort(0x10),
                        0x7f7f0101,
                        NtpTimestamp.of(0xEB00_0000L, 0));
        NtpNtsServer.Policy policy =
                new NtpNtsServer.Policy(
                        AccessTable.of(List.of(AccessRule.from(c.directives().getFirst()))),
                        null,
                        SymmetricKeys.NONE,
                        null,
                        now -> state,
                        SystemNtpClock.INSTANCE,
                        new ServerStats());
        return new NtpNtsServer(policy, NonceSource.of(new SecureRandom()), 0);
    }
}
