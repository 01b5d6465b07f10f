package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.nts.NtpNtsServer;
import dev.ntsfarm.socket.DatagramBatch;
import dev.ntsfarm.socket.TimestampedSocket;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread of the responder and its own socket (SO_REUSEPORT: the kernel spreads clients over the
 * threads, each client always to the same one). Its loop only moves bytes and timestamps: read a batch
 * with {@code recvmmsg}, hand each datagram with its sender and kernel receive time to this thread's
 * {@link NtpNtsServer}, queue the replies, send them with one {@code sendmmsg}, and read back the
 * kernel transmit times interleaved clients will ask for. Nothing here allocates per datagram, and the
 * thread waits only in the receive.
 */
final class ResponderLoop implements Runnable {

    /** Datagrams one receive takes in a single recvmmsg call. */
    static final int RECV_BATCH = 16;

    private static final System.Logger LOG = System.getLogger(ResponderLoop.class.getName());
    /** Said once per process: datagrams without a kernel receive time get a later one from user space. */
    private static final AtomicBoolean NO_KERNEL_TIMESTAMP_SAID = new AtomicBoolean();

    private final TimestampedSocket socket;
    private final NtpNtsServer server;
    private final NtpClock clock;
    private final byte[] in = new byte[NtpNtsServer.MAX_REQUEST_LENGTH + 1];
    private final byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
    private final DatagramBatch.TransmitTimestampSink transmitTimes;
    private final Thread thread;
    private volatile boolean stopping;

    ResponderLoop(TimestampedSocket socket, NtpNtsServer server, NtpClock clock, String name) {
        this.socket = socket;
        this.server = server;
        this.clock = clock;
        this.transmitTimes = server::onTransmitTimestamp;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
    }

    void start() {
        thread.start();
    }

    NtpNtsServer server() {
        return server;
    }

    TimestampedSocket socket() {
        return socket;
    }

    @Override
    public void run() {
        try (DatagramBatch batch = new DatagramBatch(RECV_BATCH, NtpNtsServer.MAX_REQUEST_LENGTH)) {
            while (!stopping) {
                if (serveOnce(batch) < 0) {
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "NTP responder thread " + thread.getName() + " stopped", e);
        } finally {
            socket.close();
        }
    }

    /**
     * One turn of the loop: wait for a batch, decide on each datagram, send the replies, read back
     * the transmit times.
     *
     * @return the datagrams read, or -1 once the socket was woken up to stop
     */
    int serveOnce(DatagramBatch batch) {
        int n;
        try {
            n = batch.receive(socket);
        } catch (IOException e) {
            // a failed receive on UDP (an ICMP error queued for an earlier send): nothing is lost
            LOG.log(System.Logger.Level.DEBUG, "NTP socket error: " + e.getMessage());
            return 0;
        }
        if (n < 0) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            onDatagram(batch, i);
        }
        if (batch.queued() > 0) {
            batch.send(socket);
        }
        batch.readTransmitTimestamps(socket, transmitTimes);
        return n;
    }

    private void onDatagram(DatagramBatch batch, int i) {
        if (!batch.hasSender(i)) {
            return;
        }
        long rx = batch.receiveTimeNanos(i);
        if (rx == DatagramBatch.NO_TIMESTAMP) {
            rx = userSpaceReceiveTime();
        }
        int len = batch.copy(i, in);
        ServerDecision d = server.handle(batch.senderHigh(i), batch.senderLow(i), rx, in, batch.length(i), out);
        int replyLength = switch (d) {
            case ServerDecision.Respond r -> r.length();
            case ServerDecision.Nak k -> k.length();
            case ServerDecision.Drop x -> -1;
        };
        if (replyLength > 0 && replyLength <= len) {
            batch.queueReply(i, out, replyLength, server.wantsTransmitTimestamp(), server.transmitTimestampTag());
        }
    }

    private long userSpaceReceiveTime() {
        if (NO_KERNEL_TIMESTAMP_SAID.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "the kernel gave a datagram no receive timestamp ("
                    + socket + "): receive times are read after the wake-up, tens of microseconds late");
        }
        long ntp = clock.nowNtp();
        return NtpTimestamp.unixNanosOf(ntp, System.currentTimeMillis() * 1_000_000L);
    }

    /** Asks the thread to stop and waits for it (at most {@code millis}); the socket closes with it. */
    void stop(long millis) throws InterruptedException {
        stopping = true;
        socket.wakeUp();
        if (thread.isAlive()) {
            thread.join(millis);
        } else {
            socket.close(); // never started
        }
    }
}
