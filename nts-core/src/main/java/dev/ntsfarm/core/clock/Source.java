package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.ntp.LeapIndicator;

/**
 * A source as selection sees it (chrony's sources.c record): its reach register, what its last
 * synchronised response said (stratum, leap), its sample statistics and its selection state. The
 * protocol side of the same source is its {@link NtpSource}.
 */
public final class Source {
    /**
     * chrony's {@code maxunreach} default: an unreachable source stays selectable this many polls.
     */
    public static final int DEFAULT_MAX_UNREACH = 100_000;

    private final String name;
    private final int refId;
    private final char mode;
    private final SourceStats stats;
    private Reach reach = Reach.NONE;
    private int reachSize;
    private int unreachableRun;
    private int stratum;
    private LeapIndicator leap = LeapIndicator.UNSYNCHRONIZED;
    private SelectStatus status = SelectStatus.BAD_STATS;
    private int updates;
    double selScore = 1.0;
    int distant;
    SourceStats.SelectionData selInfo;

    /**
     * @param name its name or address, for reports
     * @param refId the reference id clients following us see while it is selected (RFC 5905: its
     *     IPv4 address, or the first four octets of the MD5 of its IPv6 address)
     * @param mode {@link SourceReport#MODE_SERVER} or {@link SourceReport#MODE_PEER}
     * @param stats its sample statistics
     */
    public Source(String name, int refId, char mode, SourceStats stats) {
        this.name = name;
        this.refId = refId;
        this.mode = mode;
        this.stats = stats;
    }

    public String name() {
        return name;
    }

    public int refId() {
        return refId;
    }

    public char mode() {
        return mode;
    }

    public SourceStats stats() {
        return stats;
    }

    public Reach reach() {
        return reach;
    }

    /** Polls counted in the reach register so far, at most eight. */
    public int reachSize() {
        return reachSize;
    }

    public int stratum() {
        return stratum;
    }

    public LeapIndicator leap() {
        return leap;
    }

    /** The selection status (chrony's finer states behind chronyc's column S). */
    public SelectStatus status() {
        return status;
    }

    /** chronyc's column S. */
    public SourceState state() {
        return status.state();
    }

    void status(SelectStatus status) {
        this.status = status;
    }

    /** Samples accumulated since the last clock update. */
    int updates() {
        return updates;
    }

    void clearUpdates() {
        updates = 0;
    }

    int unreachableRun() {
        return unreachableRun;
    }

    /** Shifts one poll's outcome into the reach register. */
    void updateReachability(boolean reachable) {
        reach = reach.shift(reachable);
        if (reachSize < Reach.WIDTH) {
            reachSize++;
        }
        unreachableRun =
                reach.reachable() ? 0 : Math.min(Integer.MAX_VALUE - 1, unreachableRun) + 1;
    }

    /** Empties the reach register (the source went offline). */
    void resetReachability() {
        reach = Reach.NONE;
        reachSize = 0;
        unreachableRun = 0;
    }

    /** A synchronised response's stratum and leap indicator. */
    void updateStatus(int stratum, LeapIndicator leap) {
        this.stratum = stratum;
        this.leap = leap;
    }

    /** A new sample for the statistics. */
    void accumulate(Sample sample) {
        stats.accumulate(sample);
        updates++;
    }

    /** Forgets the samples and what the source said (its address changed). */
    void reset() {
        stats.reset();
        reach = Reach.NONE;
        reachSize = 0;
        unreachableRun = 0;
        stratum = 0;
        leap = LeapIndicator.UNSYNCHRONIZED;
        status = SelectStatus.BAD_STATS;
        updates = 0;
        selScore = 1.0;
        distant = 0;
    }

    /** This source's {@code sources} line at local time {@code now}. */
    public SourceReport report(long now, int poll) {
        SourceStats.LastSample last = stats.lastSample();
        if (last == null) {
            return new SourceReport(mode, state(), name, 0, poll, reach, -1, 0.0, 0.0, 0.0);
        }
        // chronyc counts whole seconds from the sample's second, as chronyd hides the sub-second
        // part
        long ago =
                Math.max(
                        0,
                        Math.floorDiv(now, 1_000_000_000L)
                                - Math.floorDiv(last.time(), 1_000_000_000L));
        return new SourceReport(
                mode,
                state(),
                name,
                stratum,
                poll,
                reach,
                ago,
                -last.offset(),
                -last.originalOffset(),
                last.error());
    }

    /** This source's {@code sourcestats} line at local time {@code now}. */
    public SourceStatsReport statsReport(long now) {
        return stats.report(name, now);
    }

    @Override
    public String toString() {
        return "Source[" + name + ", reach " + reach + ", " + status + "]";
    }

    /** chrony's selection states; each shows as one of chronyc's symbols. */
    public enum SelectStatus {
        /** Fewer samples than a regression needs. */
        BAD_STATS(SourceState.UNUSABLE),
        /** Its last response said it is not synchronised. */
        UNSYNCHRONISED(SourceState.UNUSABLE),
        /** Root distance above {@code maxdistance}. */
        BAD_DISTANCE(SourceState.UNUSABLE),
        /** Jitter above {@code maxjitter}. */
        JITTERY(SourceState.JITTERY),
        /** Unreachable, with samples older than the reachable sources'. */
        STALE(SourceState.UNUSABLE),
        /** Waiting for the other sources' statistics before the first selection. */
        WAITS_STATS(SourceState.UNUSABLE),
        /** Selectable, but fewer than {@code minsources} are. */
        WAITS_SOURCES(SourceState.NOT_COMBINED),
        /** Selectable, waiting for a new sample of the source to be selected. */
        WAITS_UPDATE(SourceState.NOT_COMBINED),
        /** Outside the interval the majority agrees on, or there is no majority. */
        FALSETICKER(SourceState.FALSETICKER),
        /** A survivor too far from the selected source to be combined with it. */
        DISTANT(SourceState.NOT_COMBINED),
        /** Combined with the selected source. */
        UNSELECTED(SourceState.COMBINED),
        /** The system peer. */
        SELECTED(SourceState.SELECTED),
        /** Passed the first checks (transient, during selection). */
        OK(SourceState.UNUSABLE);

        private final SourceState state;

        SelectStatus(SourceState state) {
            this.state = state;
        }

        public SourceState state() {
            return state;
        }
    }
}
