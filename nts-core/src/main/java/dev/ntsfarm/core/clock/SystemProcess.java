package dev.ntsfarm.core.clock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The system process (RFC 5905 section 11): what happens after each poll. A response's sample is put
 * on the corrected timescale and into its source's filter; the sources are selected and combined;
 * when the selected source has news the discipline corrects the clock, and every filter is told.
 * Owns no timers or sockets: the caller polls when {@link #answered} or {@link #unanswered} says.
 * Not thread-safe: call it from one thread (the agent's event loop).
 */
public final class SystemProcess {
    /** An update is stable (the poll may lengthen) when its offset is within this many deviations. */
    private static final double STABLE_DEVIATIONS = 2.0;

    private final ClockControl clock;
    private final Discipline discipline;
    private final SelectOptions options;
    private final List<Source> sources = new ArrayList<>();
    private Selection selection = new Selection(List.of(), -1, null, null);
    private Correction lastCorrection;

    public SystemProcess(ClockControl clock, Discipline discipline, SelectOptions options) {
        this.clock = clock;
        this.discipline = discipline;
        this.options = options;
    }

    /** Adds a source; returns its index, by which the other methods name it. */
    public int add(Source source) {
        sources.add(source);
        return sources.size() - 1;
    }

    public List<Source> sources() {
        return Collections.unmodifiableList(sources);
    }

    public Discipline discipline() {
        return discipline;
    }

    /** The last selection's outcome. */
    public Selection selection() {
        return selection;
    }

    /** The last correction made, if any. */
    public Optional<Correction> lastCorrection() {
        return Optional.ofNullable(lastCorrection);
    }

    /** The tracking report now. */
    public Tracking tracking() {
        return discipline.trackingNow(clock.pendingSlew());
    }

    /**
     * A poll of source {@code index} was answered.
     *
     * @param measured the sample as measured against the clock as read (its offset includes any slew
     *                 still pending)
     * @param stratum  the response's stratum
     * @param leap     the response's leap indicator
     * @return seconds until this source should be polled again
     */
    public double answered(int index, Sample measured, int stratum, LeapStatus leap) {
        Source source = sources.get(index);
        Sample cooked = measured.shifted(clock.pendingSlew());
        source.answered(cooked, stratum, leap);
        reselect(index, measured.localTime());
        SourceEstimate e = source.filter().estimate().orElseThrow();
        boolean stable = e.regressionOk() && Math.abs(cooked.offset()) <= STABLE_DEVIATIONS * e.stdDev();
        return source.schedule().afterPoll(true, stable);
    }

    /** A poll of source {@code index} went unanswered; returns seconds until the next poll. */
    public double unanswered(int index) {
        Source source = sources.get(index);
        source.unanswered();
        reselect(-1, clock.readTime());
        return source.schedule().afterPoll(false, false);
    }

    private void reselect(int updated, long now) {
        List<Candidate> candidates = new ArrayList<>(sources.size());
        for (Source s : sources) {
            candidates.add(s.candidate());
        }
        selection = Selection.select(candidates, now, selection.selected(), options);
        for (int i = 0; i < sources.size(); i++) {
            sources.get(i).state(selection.state(i));
        }
        if (!selection.synchronised() || selection.selected() != updated) {
            return;
        }
        Source sel = sources.get(selection.selected());
        SourceEstimate e = sel.filter().estimate().orElseThrow();
        var reference = new Discipline.Reference(sel.refId(), sel.name(), sel.stratum(),
                e.bestRootDelay(), e.rootDispersion(), sel.leap());
        Correction c = discipline.update(now, selection.combined(), clock.pendingSlew(), reference);
        c.applyTo(clock);
        for (Source s : sources) {
            s.filter().correct(now, c.offset(), c.deltaFrequency());
        }
        lastCorrection = c;
    }
}
