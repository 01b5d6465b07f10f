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
 * threads, each client always to the same one). Its loop only moves bytes and timestamps: read a
 * batch with {@code recvmmsg}, hand each datagram with its sender and kernel receive time to this
 * thread's {@link NtpNtsServer}, queue the replies, send them with one {@code sendmmsg}, and read
 * back the kernel transmit times interleaved clients will ask for. Nothing here allocates per
 * datagram, and the thread waits only in the receive. When a receive times out idle, the thread
 * practises a few round trips on a socket of its own ({@link ResponderWarmUp.Practice}), so the
 * next real request finds the path compiled.
 */
final class ResponderLoop implements Runnable {

    /** Datagrams one receive takes in a single recvmmsg call. */
    static final int RECV_BATCH = 16;

    /**
     * A batch this long after the previous one gets a practice round trip first: at most a hundred
     * a second per thread, none on a thread kept busy.
     */
    static final long PREFLIGHT_AFTER_NANOS = 10_000_000L;

    /**
     * Replies queued this long go out before the next datagram of the batch is handled: a burst of
     * NTS requests otherwise held its first reply until the last was sealed, and that reply's
     * transmit timestamp was early by as much.
     */
    static final long SEND_AFTER_NANOS = 20_000;

    private static final System.Logger LOG = System.getLogger(ResponderLoop.class.getName());

    /**
     * Said once per process: datagrams without a kernel receive time get a later one from user
     * space.
     */
    private static final AtomicBoolean NO_KERNEL_TIMESTAMP_SAID = new AtomicBoolean();

    private final TimestampedSocket socket;
    private final NtpNtsServer server;
    private final NtpClock clock;
    private final byte[] in = new byte[NtpNtsServer.MAX_REQUEST_LENGTH + 1];
    private final byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
    private final DatagramBatch.TransmitTimestampSink transmitTimes;

    /** What the thread practises while its socket is idle; {@code null} for none. */
    private final ResponderWarmUp.Practice practice;

    private final long sendAfterNanos;
    private final Thread thread;
    private volatile boolean stopping;
    private long lastBatchNanos = System.nanoTime();

    /** The length of the reply last queued (still in {@link #out}). */
    private int lastReplyLength;

    /**
     * @param practice what to practise whenever a receive timed out (the socket's receive timeout
     *     passed idle), closed with the loop; {@code null} for nothing
     */
    ResponderLoop(
            TimestampedSocket socket,
            NtpNtsServer server,
            NtpClock clock,
            String name,
            ResponderWarmUp.Practice practice) {
        this(socket, server, clock, name, practice, SEND_AFTER_NANOS);
    }

    /**
     * @param sendAfterNanos how long queued replies wait for the rest of their batch
     */
    ResponderLoop(
            TimestampedSocket socket,
            NtpNtsServer server,
            NtpClock clock,
            String name,
            ResponderWarmUp.Practice practice,
            long sendAfterNanos) {
        this.sendAfterNanos = sendAfterNanos;
        this.socket = socket;
        this.practice = practice;
        this.server = server;
        this.clock = clock;
        this.transmitTimes = server::onTransmitTimestamp;
        if (practice != null) {
            server.beforeTransmit(practice.rehearsal());
        }
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
            LOG.log(
                    System.Logger.Level.ERROR,
                    "NTP responder thread " + thread.getName() + " stopped",
                    e);
        } finally {
            socket.close();
            if (practice != null) {
                practice.close();
            }
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
        if (practice != null) {
            if (n == 0) {
                // idle for a whole receive timeout: run the path, so it stays compiled and in the
                // caches
                practice.roundTrips(ResponderWarmUp.IDLE_ROUND_TRIPS);
                return 0;
            }
            long now = System.nanoTime();
            if (now - lastBatchNanos > PREFLIGHT_AFTER_NANOS && batch.hasSender(0)) {
                // the first batch after a quiet spell (in which other threads had the caches): one
                // round trip of practice first, so these replies leave soon after their transmit
                // timestamps are read (their receive times are the kernel's already)
                practice.select(batch.senderHigh(0), batch.senderLow(0));
                practice.preflight();
            }
            lastBatchNanos = now;
        }
        long queuedSince = 0;
        for (int i = 0; i < n; i++) {
            if (batch.queued() == 0) {
                queuedSince = System.nanoTime();
            } else if (System.nanoTime() - queuedSince > sendAfterNanos) {
                batch.send(socket);
                queuedSince = System.nanoTime();
            }
            onDatagram(batch, i);
        }
        if (batch.queued() > 0) {
            if (n == 1 && server.restampLast(out)) {
                // a single reply, its transmit timestamp read too long before this send (a cold
                // path, a preemption): written again now
                batch.requeueLast(
                        out,
                        lastReplyLength,
                        server.wantsTransmitTimestamp(),
                        server.transmitTimestampTag());
            }
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
        if (practice != null) {
            practice.select(batch.senderHigh(i), batch.senderLow(i));
        }
        ServerDecision d =
                server.handle(
                        batch.senderHigh(i), batch.senderLow(i), rx, in, batch.length(i), out);
        int replyLength =
                switch (d) {
                    case ServerDecision.Respond r -> r.length();
                    case ServerDecision.Nak k -> k.length();
                    case ServerDecision.Drop x -> -1;
                };
        if (replyLength > 0 && replyLength <= len) {
            lastReplyLength = replyLength;
            batch.queueReply(
                    i,
                    out,
                    replyLength,
                    server.wantsTransmitTimestamp(),
                    server.transmitTimestampTag());
        }
    }

    private long userSpaceReceiveTime() {
        if (NO_KERNEL_TIMESTAMP_SAID.compareAndSet(false, true)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the kernel gave a datagram no receive timestamp ("
                            + socket
                            + "): receive times are read after the wake-up, tens of microseconds late");
        }
        long ntp = clock.nowNtp();
        return NtpTimestamp.unixNanosOf(ntp, System.currentTimeMillis() * 1_000_000L);
    }

    /**
     * Asks the thread to stop and waits for it (at most {@code millis}); the socket closes with it.
     */
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
