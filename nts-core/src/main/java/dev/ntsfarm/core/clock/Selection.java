package dev.ntsfarm.core.clock;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of selecting among sources (RFC 5905 sections 11.2.1-11.2.3, in chrony's manner):
 * each source's state and, when a majority agrees, the selected source and the combined estimate.
 *
 * @param states   one state per candidate, in the candidates' order
 * @param selected index of the selected source (the system peer), or -1 when none
 * @param interval the intersection interval found, or null when there was nothing to intersect
 * @param combined the combined estimate, or null when no source is selected
 */
public record Selection(List<SourceState> states, int selected, Intersection.Interval interval,
                        Combined combined) {

    /**
     * Offsets of the combined sources, weighted by the inverse of their root distance, carried to the
     * selected source's reference time (chrony's combine_sources).
     *
     * @param refTime  local time the estimate is for (the selected source's newest sample)
     * @param offset   theta at refTime, seconds (positive: the local clock is behind)
     * @param offsetSd its standard deviation
     * @param slope    d(offset)/dt (positive: the local clock runs slow)
     * @param slopeSd  its standard deviation
     * @param skew     the slope's error bound
     * @param sources  how many sources were combined
     */
    public record Combined(long refTime, double offset, double offsetSd, double slope, double slopeSd,
                           double skew, int sources) {
    }

    /** True when a source was selected. */
    public boolean synchronised() {
        return selected >= 0;
    }

    /**
     * Selects among {@code candidates} at local time {@code now}.
     *
     * @param previous the source selected last time (-1 if none); it is kept while it survives and
     *                 no other source is clearly closer, so the choice does not flap
     */
    public static Selection select(List<Candidate> candidates, long now, int previous, SelectOptions options) {
        int n = candidates.size();
        SourceState[] states = new SourceState[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        double[] distance = new double[n];
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Candidate c = candidates.get(i);
            SourceEstimate e = c.estimate();
            if (e == null || !e.regressionOk() || !c.reach().reachable() || c.leap() == LeapStatus.UNSYNCHRONISED) {
                states[i] = SourceState.UNUSABLE;
                continue;
            }
            distance[i] = e.distanceAt(now);
            double offset = e.offsetAt(now);
            lo[i] = offset - distance[i];
            hi[i] = offset + distance[i];
            if (!(distance[i] <= options.maxDistance())) {
                states[i] = SourceState.UNUSABLE;
            } else if (e.stdDev() > options.maxJitter()) {
                states[i] = SourceState.JITTERY;
            } else {
                ok.add(i);
            }
        }
        if (ok.isEmpty()) {
            return new Selection(List.of(states), -1, null, null);
        }
        double[] okLo = new double[ok.size()];
        double[] okHi = new double[ok.size()];
        for (int k = 0; k < ok.size(); k++) {
            okLo[k] = lo[ok.get(k)];
            okHi[k] = hi[ok.get(k)];
        }
        Intersection.Interval interval = Intersection.find(okLo, okHi).orElseThrow();
        if (!interval.majorityOf(ok.size())) {
            // No majority: every candidate may be wrong, and chronyc shows them all as such.
            for (int i : ok) {
                states[i] = SourceState.FALSETICKER;
            }
            return new Selection(List.of(states), -1, interval, null);
        }
        List<Integer> survivors = new ArrayList<>();
        for (int i : ok) {
            if (interval.admits(lo[i], hi[i])) {
                survivors.add(i);
            } else {
                states[i] = SourceState.FALSETICKER;
            }
        }
        if (survivors.isEmpty() || survivors.size() < options.minSources()) {
            for (int i : survivors) {
                states[i] = SourceState.NOT_COMBINED;
            }
            return new Selection(List.of(states), -1, interval, null);
        }

        int minStratum = Integer.MAX_VALUE;
        for (int i : survivors) {
            minStratum = Math.min(minStratum, candidates.get(i).stratum());
        }
        double[] score = new double[n];
        int best = -1;
        for (int i : survivors) {
            score[i] = distance[i] + (candidates.get(i).stratum() - minStratum) * options.stratumWeight();
            if (best < 0 || score[i] < score[best]) {
                best = i;
            }
        }
        int selected = best;
        if (previous >= 0 && previous < n && survivors.contains(previous)
                && score[previous] <= score[best] + options.reselectDistance()) {
            selected = previous;
        }

        SourceEstimate sel = candidates.get(selected).estimate();
        long refTime = sel.refTime();
        double selDistance = distance[selected] + options.reselectDistance();
        double sumW = 0, sumOffset = 0, sumFreqW = 0, sumFreq = 0, invSlopeVar = 0, invSkew2 = 0;
        List<Integer> combined = new ArrayList<>();
        for (int i : survivors) {
            SourceEstimate e = candidates.get(i).estimate();
            if (i != selected && (distance[i] > options.combineLimit() * selDistance
                    || Math.abs(e.slope() - sel.slope())
                       > options.combineLimit() * (e.skew() + sel.skew() + SourceEstimate.MAX_CLOCK_ERROR))) {
                states[i] = SourceState.NOT_COMBINED;
                continue;
            }
            states[i] = i == selected ? SourceState.SELECTED : SourceState.COMBINED;
            combined.add(i);
            double w = 1.0 / distance[i];
            double slopeSd = Math.max(e.slopeSd(), ClockFilter.MIN_SKEW);
            double fw = 1.0 / (slopeSd * slopeSd);
            sumW += w;
            sumOffset += w * e.estimatedOffsetAt(refTime);
            sumFreqW += fw;
            sumFreq += fw * e.slope();
            invSlopeVar += fw;
            invSkew2 += 1.0 / (e.skew() * e.skew());
        }
        double offset = sumOffset / sumW;
        double sum2 = 0;
        for (int i : combined) {
            SourceEstimate e = candidates.get(i).estimate();
            double d = e.estimatedOffsetAt(refTime) - offset;
            sum2 += (1.0 / distance[i]) * (e.offsetSd() * e.offsetSd() + d * d);
        }
        Combined c = new Combined(refTime, offset, Math.sqrt(sum2 / sumW), sumFreq / sumFreqW,
                1.0 / Math.sqrt(invSlopeVar), 1.0 / Math.sqrt(invSkew2), combined.size());
        return new Selection(List.of(states), selected, interval, c);
    }

    /** The state of the candidate at {@code index}. */
    public SourceState state(int index) {
        return states.get(index);
    }

    /** The combined estimate, if a source was selected. */
    public Optional<Combined> combinedEstimate() {
        return Optional.ofNullable(combined);
    }

    @Override
    public String toString() {
        char[] symbols = new char[states.size()];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = states.get(i).symbol();
        }
        return "Selection[" + new String(symbols) + ", selected=" + selected + "]";
    }
}
