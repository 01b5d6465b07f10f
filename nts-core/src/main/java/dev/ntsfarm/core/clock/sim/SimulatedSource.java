package dev.ntsfarm.core.clock.sim;

import dev.ntsfarm.core.clock.Sample;
import java.util.Random;

/**
 * A source and the network path to it, for tests: the source's clock is off true time by a fixed
 * {@code bias} (zero for an honest server, 50 ms for a false-ticker), the path has a base round-trip
 * delay, and each measurement's offset carries Gaussian noise of standard deviation {@code jitter}
 * (seeded, so a run repeats exactly). Delay noise is drawn separately.
 */
public final class SimulatedSource {
    /** The dispersion a measurement reports: the server's and our timestamp precision. */
    public static final double PRECISION = 1.0e-6;
    /** RFC 5905's PHI: dispersion grows 15 ppm of the round trip. */
    public static final double PHI = 15.0e-6;

    private final String name;
    private final double bias;
    private final double jitter;
    private final double delay;
    private final double answerProbability;
    private final Random random;

    /**
     * @param name              its address, for reports
     * @param bias              the source's time minus true time, seconds
     * @param jitter            standard deviation of the measured offset, seconds
     * @param delay             the path's base round-trip delay, seconds
     * @param answerProbability chance that a poll is answered (1 for a perfect path)
     * @param seed              the noise's seed
     */
    public SimulatedSource(String name, double bias, double jitter, double delay, double answerProbability, long seed) {
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

    /** Whether this poll is answered. */
    public boolean answers() {
        return answerProbability >= 1.0 || random.nextDouble() < answerProbability;
    }

    /** One exchange, measured against {@code clock} as it reads now (RFC 5905 theta: source minus local). */
    public Sample measure(SimulatedClock clock) {
        double theta = bias - clock.offset() + jitter * random.nextGaussian();
        double roundTrip = delay + Math.abs(jitter * random.nextGaussian());
        return Sample.direct(clock.readTime(), theta, roundTrip, PRECISION + PHI * roundTrip);
    }
}
