package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.clock.Source.SelectStatus;
import dev.ntsfarm.core.ntp.LeapIndicator;
import java.util.ArrayList;
import java.util.List;

/**
 * Source selection with chrony's rules (sources.c): each source's interval (best sample's offset
 * +/- root distance) goes into Marzullo's intersection; without a majority every candidate is a
 * false-ticker; the survivors need {@code minsources}; the selected source changes only when
 * another has been clearly better for a while (scores up to {@link #SCORE_LIMIT}); survivors close
 * enough to it are combined, weighted by their distance. The clock is updated only when the
 * selected source has a new sample. Keeps the state chrony keeps between calls (the selected
 * source, scores); not thread-safe.
 */
public final class SourceSelector {
    /** A source must outscore the selected one by this factor, accumulated, to replace it. */
    static final double SCORE_LIMIT = 10.0;

    /** Updates a source stays out of the combination after being found distant. */
    static final int DISTANT_PENALTY = 32;

    private final SelectOptions options;
    private Source selected;

    public SourceSelector(SelectOptions options) {
        this.options = options;
    }

    public SelectOptions options() {
        return options;
    }

    /** The system peer, or null. */
    public Source selected() {
        return selected;
    }

    /** What one selection decided. */
    public sealed interface Outcome {
        /** Nothing for the clock (no new sample of the selected source, or no change). */
        record NoUpdate() implements Outcome {}

        /**
         * No source can be selected; {@code lost} when one was selected until now.
         *
         * @param reason chronyd's message ("Can't synchronise: no majority"), or null when waiting
         */
        record Unsynchronised(boolean lost, String reason) implements Outcome {}

        /** Update the clock from the selected source combined with its companions. */
        record Update(
                Source selected,
                LeapIndicator leap,
                int combined,
                SourceStats.TrackingData estimate)
                implements Outcome {}
    }

    private static final Outcome NO_UPDATE = new Outcome.NoUpdate();

    /** Forgets the selected source (chronyc's {@code reselect}, or the source was removed). */
    public void forget(Source source) {
        if (selected == source) {
            selected = null;
        }
    }

    /**
     * Selects among {@code sources} at local time {@code now}.
     *
     * @param updated the source that just got a sample, or null
     */
    public Outcome select(List<Source> sources, long now, Source updated) {
        if (sources.isEmpty()) {
            return unselect("Can't synchronise: no sources");
        }
        int badStats = 0;
        int maxBadStatReach = 0;
        int maxSelReach = 0;
        int maxSelReachSize = 0;
        double maxReachSampleAgo = 0.0;
        for (Source s : sources) {
            SourceStats.SelectionData si = s.stats().selectionData(now, options.maxJitter());
            s.selInfo = si;
            if (si == null) {
                badStats++;
                s.status(SelectStatus.BAD_STATS);
                maxBadStatReach = Math.max(maxBadStatReach, s.reach().bits());
                continue;
            }
            if (s.leap() == LeapIndicator.UNSYNCHRONIZED) {
                s.status(SelectStatus.UNSYNCHRONISED);
                continue;
            }
            // a source without new samples (the newest older than the span of all) disperses
            if (si.firstSampleAgo() < 2.0 * si.lastSampleAgo()) {
                double extra =
                        SourceStats.MAX_CLOCK_ERROR
                                * (2.0 * si.lastSampleAgo() - si.firstSampleAgo());
                si =
                        new SourceStats.SelectionData(
                                si.offset(),
                                si.rootDistance() + extra,
                                si.stdDev(),
                                si.firstSampleAgo(),
                                si.lastSampleAgo());
                s.selInfo = si;
            }
            if (!(si.rootDistance() <= options.maxDistance())) {
                s.status(SelectStatus.BAD_DISTANCE);
                continue;
            }
            if (si.stdDev() > options.maxJitter()) {
                s.status(SelectStatus.JITTERY);
                continue;
            }
            s.status(SelectStatus.OK);
            if (s.reach().reachable() && maxReachSampleAgo < si.firstSampleAgo()) {
                maxReachSampleAgo = si.firstSampleAgo();
            }
            maxSelReach = Math.max(maxSelReach, s.reach().bits());
            maxSelReachSize = Math.max(maxSelReachSize, s.reachSize());
        }
        List<Source> candidates = new ArrayList<>();
        for (Source s : sources) {
            if (s.status() != SelectStatus.OK) {
                continue;
            }
            // an unreachable source stays selectable while its samples are as new as the reachable
            // ones'
            if (!s.reach().reachable()
                    && (s.selInfo.lastSampleAgo() > maxReachSampleAgo
                            || s.unreachableRun() > Source.DEFAULT_MAX_UNREACH)) {
                s.status(SelectStatus.STALE);
                continue;
            }
            candidates.add(s);
        }

        // On start, wait while a source with too few samples is one poll behind the others.
        if (badStats > 0
                && !candidates.isEmpty()
                && selected == null
                && maxSelReachSize < Reach.WIDTH
                && maxSelReach >> 1 == maxBadStatReach) {
            mark(candidates, SelectStatus.WAITS_STATS);
            return unselect(null);
        }
        if (candidates.isEmpty()) {
            int unreachable = (int) sources.stream().filter(s -> !s.reach().reachable()).count();
            return unselect(
                    "Can't synchronise: no selectable sources ("
                            + unreachable
                            + " unreachable sources)");
        }

        double[] lo = new double[candidates.size()];
        double[] hi = new double[candidates.size()];
        for (int i = 0; i < lo.length; i++) {
            SourceStats.SelectionData si = candidates.get(i).selInfo;
            lo[i] = si.offset() - si.rootDistance();
            hi[i] = si.offset() + si.rootDistance();
        }
        Intersection.Interval best = Intersection.find(lo, hi).orElseThrow();
        if (!best.majorityOf(candidates.size())) {
            mark(candidates, SelectStatus.FALSETICKER);
            return unselect(
                    best.depth() < 2
                            ? "Can't synchronise: no majority (no agreement among "
                                    + candidates.size()
                                    + " sources)"
                            : "Can't synchronise: no majority (only "
                                    + best.depth()
                                    + " of "
                                    + candidates.size()
                                    + " sources agree)");
        }
        List<Source> survivors = new ArrayList<>();
        for (int i = 0; i < lo.length; i++) {
            if (best.admits(lo[i], hi[i])) {
                survivors.add(candidates.get(i));
            } else {
                candidates.get(i).status(SelectStatus.FALSETICKER);
            }
        }
        if (survivors.isEmpty() || survivors.size() < options.minSources()) {
            mark(survivors, SelectStatus.WAITS_SOURCES);
            return unselect(
                    "Can't synchronise: "
                            + (survivors.isEmpty() ? "no" : "not enough")
                            + " selectable sources");
        }

        int minStratum = survivors.stream().mapToInt(Source::stratum).min().orElseThrow();
        double selDistance =
                selected != null && selected.status() == SelectStatus.OK
                        ? selected.selInfo.rootDistance()
                                + (selected.stratum() - minStratum) * options.stratumWeight()
                        : 0.0;
        Source maxScore = null;
        for (Source s : sources) {
            if (s.status() != SelectStatus.OK) {
                s.selScore = 1.0;
                s.distant = DISTANT_PENALTY;
                continue;
            }
            double distance =
                    s.selInfo.rootDistance()
                            + (s.stratum() - minStratum) * options.stratumWeight()
                            + options.reselectDistance();
            if (selected != null) {
                // scores move only between pairs where one has a new sample
                if (s == updated || selected == updated) {
                    s.selScore = Math.max(1.0, s.selScore * selDistance / distance);
                }
            } else {
                s.selScore = 1.0 / distance;
            }
            if (maxScore == null || maxScore.selScore < s.selScore) {
                maxScore = s;
            }
        }
        if (selected == null
                || selected.status() != SelectStatus.OK
                || (maxScore != selected && maxScore.selScore > SCORE_LIMIT)) {
            if (maxScore.updates() == 0) {
                // a newly selected source must have a new sample to update the clock with
                mark(survivors, SelectStatus.WAITS_UPDATE);
                return unselect(null);
            }
            selected = maxScore;
            for (Source s : sources) {
                s.selScore = 1.0;
                s.distant = 0;
            }
        }
        selected.status(SelectStatus.SELECTED);
        if (selected.updates() == 0) {
            for (Source s : survivors) {
                if (s.status() == SelectStatus.OK) {
                    s.status(s.distant > 0 ? SelectStatus.DISTANT : SelectStatus.UNSELECTED);
                }
            }
            return NO_UPDATE;
        }
        for (Source s : sources) {
            s.clearUpdates();
        }
        SourceStats.TrackingData estimate = combine(survivors);
        return new Outcome.Update(selected, leapOf(survivors), combined(survivors), estimate);
    }

    private static int combined(List<Source> survivors) {
        int n = 0;
        for (Source s : survivors) {
            if (s.status() == SelectStatus.SELECTED || s.status() == SelectStatus.UNSELECTED) {
                n++;
            }
        }
        return n;
    }

    /** chrony's combine_sources: offsets weighted by 1/distance, frequencies by 1/variance. */
    private SourceStats.TrackingData combine(List<Source> survivors) {
        SourceStats.TrackingData sel = selected.stats().trackingData();
        if (survivors.size() == 1) {
            return sel;
        }
        double selDistance = selected.selInfo.rootDistance() + options.reselectDistance();
        double sumOffsetWeight = 0;
        double sumOffset = 0;
        double sum2OffsetSd = 0;
        double sumFrequencyWeight = 0;
        double sumFrequency = 0;
        double invSum2FrequencySd = 0;
        double invSum2Skew = 0;
        for (Source s : survivors) {
            SourceStats.TrackingData t = s.stats().trackingData();
            if (s != selected
                    && (s.selInfo.rootDistance() > options.combineLimit() * selDistance
                            || Math.abs(sel.slope() - t.slope())
                                    > options.combineLimit()
                                            * (sel.skew()
                                                    + t.skew()
                                                    + SourceStats.MAX_CLOCK_ERROR))) {
                s.distant = s.reachSize() >= Reach.WIDTH ? DISTANT_PENALTY : 1;
            } else if (s.distant > 0) {
                s.distant--;
            }
            if (s.distant > 0) {
                s.status(SelectStatus.DISTANT);
                continue;
            }
            if (s.status() == SelectStatus.OK) {
                s.status(SelectStatus.UNSELECTED);
            }
            double elapsed = SourceStats.seconds(sel.refTime() - t.refTime());
            double offset = t.offset() + elapsed * t.slope();
            double offsetSd = t.offsetSd() + elapsed * t.slopeSd();
            double offsetWeight = 1.0 / s.selInfo.rootDistance();
            double frequencyWeight = 1.0 / (t.slopeSd() * t.slopeSd());
            sumOffsetWeight += offsetWeight;
            sumOffset += offsetWeight * offset;
            sum2OffsetSd +=
                    offsetWeight
                            * (offsetSd * offsetSd
                                    + (offset - sel.offset()) * (offset - sel.offset()));
            sumFrequencyWeight += frequencyWeight;
            sumFrequency += frequencyWeight * t.slope();
            invSum2FrequencySd += frequencyWeight;
            invSum2Skew += 1.0 / (t.skew() * t.skew());
        }
        return new SourceStats.TrackingData(
                sel.refTime(),
                sumOffset / sumOffsetWeight,
                Math.sqrt(sum2OffsetSd / sumOffsetWeight),
                sumFrequency / sumFrequencyWeight,
                1.0 / Math.sqrt(invSum2FrequencySd),
                1.0 / Math.sqrt(invSum2Skew),
                sel.rootDelay(),
                sel.rootDispersion());
    }

    /** The leap the majority of survivors announce (chrony's vote), normal otherwise. */
    private static LeapIndicator leapOf(List<Source> survivors) {
        int insert = 0;
        int delete = 0;
        for (Source s : survivors) {
            if (s.leap() == LeapIndicator.INSERT_SECOND) {
                insert++;
            } else if (s.leap() == LeapIndicator.DELETE_SECOND) {
                delete++;
            }
        }
        if (insert > survivors.size() / 2) {
            return LeapIndicator.INSERT_SECOND;
        }
        if (delete > survivors.size() / 2) {
            return LeapIndicator.DELETE_SECOND;
        }
        return LeapIndicator.NO_WARNING;
    }

    private static void mark(List<Source> sources, SelectStatus status) {
        for (Source s : sources) {
            if (s.status() == SelectStatus.OK || s.status() == SelectStatus.SELECTED) {
                s.status(status);
            }
        }
    }

    private Outcome unselect(String reason) {
        boolean lost = selected != null;
        selected = null;
        return new Outcome.Unsynchronised(lost, reason);
    }
}
