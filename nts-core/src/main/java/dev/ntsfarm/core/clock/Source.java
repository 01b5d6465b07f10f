package dev.ntsfarm.core.clock;

/**
 * One configured source's state: its name, reach register, poll schedule and clock filter, and what
 * its last response said. The agent keeps one per {@code server}/{@code peer} line.
 */
public final class Source {
    private final String name;
    private final int refId;
    private final char mode;
    private final PollSchedule schedule;
    private final ClockFilter filter;
    private Reach reach = Reach.NONE;
    private int stratum;
    private LeapStatus leap = LeapStatus.UNSYNCHRONISED;
    private long lastRx = Long.MIN_VALUE;
    private SourceState state = SourceState.UNUSABLE;

    /**
     * @param name     its name or address, for reports
     * @param refId    the reference id this source gives clients that follow us (RFC 5905: its IPv4
     *                 address, or the first four octets of the MD5 of its IPv6 address)
     * @param mode     {@link SourceReport#MODE_SERVER} or {@link SourceReport#MODE_PEER}
     * @param schedule its poll schedule
     * @param filter   its clock filter
     */
    public Source(String name, int refId, char mode, PollSchedule schedule, ClockFilter filter) {
        this.name = name;
        this.refId = refId;
        this.mode = mode;
        this.schedule = schedule;
        this.filter = filter;
    }

    public String name() {
        return name;
    }

    public int refId() {
        return refId;
    }

    public PollSchedule schedule() {
        return schedule;
    }

    public ClockFilter filter() {
        return filter;
    }

    public Reach reach() {
        return reach;
    }

    public int stratum() {
        return stratum;
    }

    public LeapStatus leap() {
        return leap;
    }

    public SourceState state() {
        return state;
    }

    void state(SourceState state) {
        this.state = state;
    }

    /** Records an answered poll: the sample (already on the corrected timescale) and the header's fields. */
    void answered(Sample sample, int stratum, LeapStatus leap) {
        reach = reach.shift(true);
        this.stratum = stratum;
        this.leap = leap;
        this.lastRx = sample.localTime();
        filter.add(sample);
    }

    /** Records a poll with no valid answer. */
    void unanswered() {
        reach = reach.shift(false);
    }

    /** What selection needs of this source. */
    public Candidate candidate() {
        return new Candidate(stratum, reach, leap, filter.estimate().orElse(null));
    }

    /** This source's {@code sources} line at local time {@code now}. */
    public SourceReport report(long now) {
        var e = filter.estimate();
        if (e.isEmpty()) {
            return new SourceReport(mode, state, name, 0, schedule.poll(), reach, -1, 0.0, 0.0, 0.0);
        }
        long ago = lastRx == Long.MIN_VALUE ? -1 : Math.max(0, (now - lastRx) / 1_000_000_000L);
        SourceEstimate s = e.get();
        return new SourceReport(mode, state, name, stratum, schedule.poll(), reach, ago,
                -s.lastOffset(), -s.lastOriginalOffset(), s.lastError());
    }

    /** This source's {@code sourcestats} line at local time {@code now}. */
    public SourceStatsReport statsReport(long now) {
        var e = filter.estimate();
        if (e.isEmpty()) {
            return new SourceStatsReport(name, 0, 0, 0, 0.0, ClockFilter.WORST_CASE_SKEW * 1.0e6, 0.0,
                    ClockFilter.WORST_CASE_STD_DEV);
        }
        SourceEstimate s = e.get();
        return new SourceStatsReport(name, s.samples(), s.runs(), Math.round(s.span()), -s.slope() * 1.0e6,
                s.skew() * 1.0e6, -s.estimatedOffsetAt(now), s.stdDev());
    }
}
