package dev.ntsfarm.app.bench;

import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.NtpHeader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends NTP requests from one thread and reads answers on another, over one connected UDP socket.
 * Open loop: a fixed rate, whatever comes back. Closed loop: at most {@code window} requests
 * outstanding; when nothing comes back for {@code timeout}, the outstanding ones count as lost.
 * Bounded by a count and a duration. Answers are matched by their origin timestamp, which carries
 * the request's sequence number.
 */
final class LoadGenerator {

    /** Settings of one run. */
    record Settings(
            InetSocketAddress target,
            long count,
            long durationNanos,
            double rate,
            int window,
            long timeoutNanos,
            long drainNanos) {

        /** The same load for another duration. */
        Settings withDurationNanos(long nanos) {
            return new Settings(target, count, nanos, rate, window, timeoutNanos, drainNanos);
        }
    }

    /** The outcome of one run. */
    record Result(
            long sent,
            long received,
            long kisses,
            long naks,
            long rateKisses,
            long elapsedNanos,
            LatencyHistogram latency) {

        double lossPercent() {
            return sent == 0 ? 0 : 100.0 * (sent - received - kisses) / sent;
        }

        double receivedPerSecond() {
            return received / (elapsedNanos / 1e9);
        }

        double sentPerSecond() {
            return sent / (elapsedNanos / 1e9);
        }
    }

    private static final int RING = 1 << 20;

    private final Settings settings;
    private final RequestSource requests;
    private final long base = new SecureRandom().nextLong() & 0xFFFF_FFFF_0000_0000L;
    private final long[] sentAt = new long[RING];
    private final byte[] answered = new byte[RING];
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile long lastAnswerNanos;
    private long received;
    private long kisses;
    private long naks;
    private long rateKisses;
    private final LatencyHistogram latency = new LatencyHistogram();

    LoadGenerator(Settings settings, RequestSource requests) {
        this.settings = settings;
        this.requests = requests;
    }

    Result run() throws IOException, InterruptedException {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.connect(settings.target());
            Thread reader =
                    Thread.ofPlatform().name("bench-receiver").start(() -> receive(channel));
            long start = System.nanoTime();
            lastAnswerNanos = start;
            send(channel, start);
            long sendEnd = System.nanoTime();
            // give the last answers time to arrive, within the duration's hard cap
            long drainUntil = sendEnd + settings.drainNanos();
            while (System.nanoTime() < drainUntil && outstanding.get() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            channel.close();
            reader.join(TimeUnit.SECONDS.toMillis(5));
            synchronized (this) {
                return new Result(
                        sent.get(), received, kisses, naks, rateKisses, sendEnd - start, latency);
            }
        }
    }

    private void send(DatagramChannel channel, long start) throws IOException {
        byte[] packet = new byte[2048];
        ByteBuffer buf = ByteBuffer.wrap(packet);
        long deadline = start + settings.durationNanos();
        long interval = settings.rate() > 0 ? (long) (1e9 / settings.rate()) : 0;
        long nextAt = start;
        for (long seq = 0; seq < settings.count(); seq++) {
            long now = System.nanoTime();
            if (now >= deadline) {
                break;
            }
            if (interval > 0) {
                if (nextAt > now) {
                    LockSupport.parkNanos(nextAt - now);
                }
                nextAt += interval;
            } else {
                while (outstanding.get() >= settings.window()) {
                    long t = System.nanoTime();
                    if (t >= deadline) {
                        return;
                    }
                    if (t - lastAnswerNanos > settings.timeoutNanos()) {
                        outstanding.set(0); // nothing came back for a timeout: the window is lost
                        lastAnswerNanos = t;
                        break;
                    }
                    Thread.onSpinWait();
                }
            }
            int slot = (int) (seq & (RING - 1));
            answered[slot] = 0;
            sentAt[slot] = System.nanoTime();
            int len = requests.write(base + seq, packet);
            buf.clear().limit(len);
            outstanding.incrementAndGet();
            try {
                channel.write(buf);
                sent.incrementAndGet();
            } catch (java.net.PortUnreachableException e) {
                outstanding.decrementAndGet();
                sent.incrementAndGet(); // ICMP for an earlier datagram: this one counts as lost
            }
        }
    }

    private void receive(DatagramChannel channel) {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        byte[] b = buf.array();
        while (true) {
            buf.clear();
            try {
                channel.read(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue; // ICMP port unreachable and the like
            }
            long now = System.nanoTime();
            int len = buf.position();
            if (len < NtpHeader.LENGTH || (b[0] & 7) != 4) {
                continue;
            }
            long seq = NtpHeader.originTimestamp(b, 0) - base;
            if (seq < 0 || seq >= sent.get() + 1) {
                continue;
            }
            int slot = (int) (seq & (RING - 1));
            synchronized (this) {
                if (answered[slot] != 0) {
                    continue; // a duplicate
                }
                answered[slot] = 1;
                if (NtpHeader.stratum(b, 0) == 0 && NtpHeader.referenceId(b, 0) != 0) {
                    kisses++;
                    int refid = NtpHeader.referenceId(b, 0);
                    if (refid == KissCode.NTSN.referenceId()) {
                        naks++;
                    } else if (refid == KissCode.RATE.referenceId()) {
                        rateKisses++;
                    }
                } else {
                    received++;
                    latency.record(now - sentAt[slot]);
                }
            }
            lastAnswerNanos = now;
            outstanding.updateAndGet(x -> x > 0 ? x - 1 : 0);
        }
    }
}
