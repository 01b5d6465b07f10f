package dev.ntsfarm.core.clock.sim;

import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import java.util.Random;

/**
 * An NTP server and the network path to it, for tests: it answers request bytes with response bytes
 * as a stratum-1 server would. Its clock is off true time by {@code bias} (zero for an honest
 * server, 50 ms for a false-ticker); the measured offset has a standard deviation of {@code
 * jitter}, made as the {@link Jitter} model says; a {@link Fault} makes it answer as a broken or
 * hostile server would. Seeded: a run repeats exactly.
 */
public final class SimulatedServer {
    /** log2 of the server's precision, about a microsecond. */
    public static final int PRECISION = -20;

    /** The server's processing time between receive and transmit, seconds. */
    public static final double PROCESSING = 10e-6;

    /** Its root dispersion (a GPS-fed stratum 1), seconds. */
    public static final double ROOT_DISPERSION = 10e-6;

    /** Where the measured offset's noise comes from. */
    public enum Jitter {
        /**
         * Queueing on the path, as on a real network: each way takes half the base delay plus an
         * exponentially distributed wait; the offset's error is half the difference of the two
         * waits, so the samples with the least delay are the best, as chrony's weighting assumes.
         */
        PATH,
        /**
         * Gaussian noise on the server's timestamps, independent of the delay: no sample is better.
         */
        TIMESTAMPS
    }

    /** How the server misbehaves. */
    public enum Fault {
        /** An honest server. */
        NONE,
        /**
         * It claims to have held the request longer than the whole round trip took: negative delay.
         */
        NEGATIVE_DELAY,
        /** Its transmit timestamp is zero. */
        ZERO_TRANSMIT,
        /** It answers with a kiss-o'-death DENY. */
        KOD_DENY,
        /** It answers with a kiss-o'-death RATE. */
        KOD_RATE,
        /** It says it is not synchronised (leap 3). */
        UNSYNCHRONISED
    }

    /**
     * A reply on its way back.
     *
     * @param arrival true time it reaches the client, nanoseconds
     * @param packet its bytes
     */
    public record Reply(long arrival, byte[] packet) {}

    private final String name;
    private final double bias;
    private final double jitter;
    private final double delay;
    private final double answerProbability;
    private final Random random;
    private Fault fault = Fault.NONE;
    private Jitter model = Jitter.PATH;
    private long answered;

    /**
     * @param name its address, for reports
     * @param bias the server's time minus true time, seconds
     * @param jitter standard deviation of its timestamps, seconds
     * @param delay the path's base round-trip delay, seconds
     * @param answerProbability chance that a request is answered (1 for a perfect path)
     * @param seed the noise's seed
     */
    public SimulatedServer(
            String name,
            double bias,
            double jitter,
            double delay,
            double answerProbability,
            long seed) {
        this.name = name;
        this.bias = bias;
        this.jitter = jitter;
        this.delay = delay;
        this.answerProbability = answerProbability;
        this.random = new Random(seed);
    }

    public String name() {
        return name;
    }

    public SimulatedServer jitter(Jitter model) {
        this.model = model;
        return this;
    }

    public SimulatedServer fault(Fault fault) {
        this.fault = fault;
        return this;
    }

    public long answered() {
        return answered;
    }

    /**
     * The reply to {@code request} sent at true time {@code sent} (nanoseconds), or null when the
     * request or the reply is lost.
     */
    public Reply answer(byte[] request, long sent) {
        if (answerProbability < 1.0 && random.nextDouble() >= answerProbability) {
            return null;
        }
        if (!(NtpHeader.read(request, 0, request.length) instanceof NtpHeader.Read.Parsed p)
                || p.header().mode() != NtpMode.CLIENT) {
            return null;
        }
        answered++;
        double waitOut;
        double waitBack;
        double noise;
        if (model == Jitter.PATH) {
            // (X - Y) / 2 with X, Y exponential of mean m has deviation m / sqrt(2)
            double mean = jitter * Math.sqrt(2.0);
            waitOut = -mean * Math.log(1.0 - random.nextDouble());
            waitBack = -mean * Math.log(1.0 - random.nextDouble());
            noise = 0.0;
        } else {
            waitOut = Math.abs(random.nextGaussian()) * jitter / 4;
            waitBack = Math.abs(random.nextGaussian()) * jitter / 4;
            noise = random.nextGaussian() * jitter;
        }
        long out = nanos(delay / 2 + waitOut);
        long back = nanos(delay / 2 + waitBack);
        long arrivedAtServer = sent + out;
        long t2 = arrivedAtServer + nanos(bias + noise);
        long t3 = t2 + nanos(PROCESSING);
        long departs = arrivedAtServer + nanos(PROCESSING);
        return new Reply(departs + back, response(p.header(), t2, t3));
    }

    /**
     * The response a server whose clock reads {@code t2} and {@code t3} would send, with this
     * server's fault.
     */
    public byte[] response(NtpHeader request, long t2, long t3) {
        LeapIndicator leap = LeapIndicator.NO_WARNING;
        int stratum = 1;
        int refId = 0x47505300; // "GPS"
        long transmit = NtpTimestamp.bitsOfUnixNanos(t3);
        long receive = NtpTimestamp.bitsOfUnixNanos(t2);
        switch (fault) {
            case NEGATIVE_DELAY ->
                    receive = NtpTimestamp.bitsOfUnixNanos(t3 - nanos(2 * delay + 0.05));
            case ZERO_TRANSMIT -> transmit = 0;
            case KOD_DENY, KOD_RATE -> {
                leap = LeapIndicator.UNSYNCHRONIZED;
                stratum = 0;
                refId = (fault == Fault.KOD_DENY ? KissCode.DENY : KissCode.RATE).referenceId();
            }
            case UNSYNCHRONISED -> leap = LeapIndicator.UNSYNCHRONIZED;
            case NONE -> {}
        }
        byte[] reply = new byte[NtpHeader.LENGTH];
        new NtpHeader(
                        leap,
                        NtpHeader.VERSION_4,
                        NtpMode.SERVER,
                        stratum,
                        request.poll(),
                        PRECISION,
                        NtpShort.ZERO,
                        NtpShort.ofSeconds(ROOT_DISPERSION),
                        refId,
                        NtpTimestamp.ofUnixNanos(t2 - 1_000_000_000L),
                        request.transmitTimestamp(),
                        new NtpTimestamp(receive),
                        new NtpTimestamp(transmit))
                .write(reply, 0);
        return reply;
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
