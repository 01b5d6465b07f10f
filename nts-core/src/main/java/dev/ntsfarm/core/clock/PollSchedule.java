package dev.ntsfarm.core.clock;

/**
 * When to poll a source next: between {@code minpoll} and {@code maxpoll} (log2 seconds), with
 * chrony's {@code iburst}: the first polls go 2 s apart until four are answered or eight sent.
 * The interval grows by one step after {@link #STABLE_UPDATES_TO_GROW} stable updates and shrinks
 * at once after an unstable one or an unanswered poll, so a quiet source is polled rarely.
 */
public final class PollSchedule {
    /** chrony's default minpoll: 64 s. */
    public static final int DEFAULT_MINPOLL = 6;
    /** chrony's default maxpoll: 1024 s. */
    public static final int DEFAULT_MAXPOLL = 10;
    /** chrony accepts poll exponents from -6 (1/64 s) to 24 (194 days). */
    public static final int MIN_POLL_LIMIT = -6;
    public static final int MAX_POLL_LIMIT = 24;
    /** iburst: the burst's spacing, in seconds. */
    public static final double BURST_INTERVAL = 2.0;
    /** iburst stops after this many answers ... */
    public static final int BURST_GOOD = 4;
    /** ... or after this many polls. */
    public static final int BURST_TOTAL = 8;
    /** Stable updates in a row before the interval doubles. */
    public static final int STABLE_UPDATES_TO_GROW = 4;

    private final int minpoll;
    private final int maxpoll;
    private int poll;
    private int burstGood;
    private int burstLeft;
    private int stableRun;

    /**
     * @throws IllegalArgumentException when the exponents are out of chrony's range or minpoll is
     *         above maxpoll (a configuration mistake the caller reports with file and line)
     */
    public PollSchedule(int minpoll, int maxpoll, boolean iburst) {
        if (minpoll < MIN_POLL_LIMIT || maxpoll > MAX_POLL_LIMIT || minpoll > maxpoll) {
            throw new IllegalArgumentException("poll exponents (expected: " + MIN_POLL_LIMIT
                    + " <= minpoll <= maxpoll <= " + MAX_POLL_LIMIT + "): " + minpoll + ", " + maxpoll);
        }
        this.minpoll = minpoll;
        this.maxpoll = maxpoll;
        this.poll = minpoll;
        this.burstLeft = iburst ? BURST_TOTAL : 0;
    }

    /** The defaults: minpoll 6, maxpoll 10. */
    public static PollSchedule defaults(boolean iburst) {
        return new PollSchedule(DEFAULT_MINPOLL, DEFAULT_MAXPOLL, iburst);
    }

    /** The current poll exponent, as chronyc's Poll column shows it. */
    public int poll() {
        return poll;
    }

    public int minpoll() {
        return minpoll;
    }

    public int maxpoll() {
        return maxpoll;
    }

    /** True while an iburst (or a {@link #burst()}) is under way. */
    public boolean bursting() {
        return burstLeft > 0;
    }

    /** Starts a burst, as chronyc's {@code burst} command does. */
    public void burst() {
        burstGood = 0;
        burstLeft = BURST_TOTAL;
    }

    /**
     * Records a poll's outcome and returns the seconds until the next poll.
     *
     * @param answered whether a valid response came back
     * @param stable   whether the update agreed with the source's statistics (ignored if unanswered)
     */
    public double afterPoll(boolean answered, boolean stable) {
        if (burstLeft > 0) {
            burstLeft--;
            if (answered && ++burstGood >= BURST_GOOD) {
                burstLeft = 0;
            }
            if (burstLeft > 0) {
                return BURST_INTERVAL;
            }
            burstGood = 0;
            return interval();
        }
        if (answered && stable) {
            if (++stableRun >= STABLE_UPDATES_TO_GROW) {
                stableRun = 0;
                poll = Math.min(maxpoll, poll + 1);
            }
        } else {
            stableRun = 0;
            poll = Math.max(minpoll, poll - 1);
        }
        return interval();
    }

    /** The current interval, 2^poll seconds. */
    public double interval() {
        return Math.scalb(1.0, poll);
    }
}
