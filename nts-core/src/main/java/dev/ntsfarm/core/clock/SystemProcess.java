package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.cookie.NonceSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The clock agent's core, sans-IO: its sources ({@link NtpSource}), their selection ({@link
 * SourceSelector}) and the discipline ({@link Discipline}), over a {@link ClockControl} passed in.
 * The daemon and {@code -Q}/{@code -q} are the same process in different {@link Discipline.Mode}s.
 * Every entry point reads the clock, puts the times on the corrected timescale (the clock as read
 * plus the slew still pending, as chronyd's "cooked" time), drives the source, and returns the
 * {@link Action}s the caller carries out. Not thread-safe: call it from one thread (an event loop).
 */
public final class SystemProcess implements NtpSource.Host {
    /** The local clock's precision assumed when none is measured: 2^-24 s (about 60 ns). */
    public static final double DEFAULT_PRECISION = Math.scalb(1.0, -24);

    private final ClockControl clock;
    private final FrequencySlew slew;
    private final Discipline discipline;
    private final SourceSelector selector;
    private final NonceSource random;
    private final double precision;
    private final List<NtpSource> sources = new ArrayList<>();
    private String lastUnsyncReason;
    private String lastClockError;
    private boolean oneShotDone;
    private long clockUpdates;

    public SystemProcess(
            ClockControl clock, Discipline discipline, SelectOptions options, NonceSource random) {
        this(clock, discipline, options, random, DEFAULT_PRECISION);
    }

    public SystemProcess(
            ClockControl clock,
            Discipline discipline,
            SelectOptions options,
            NonceSource random,
            double precision) {
        this.clock = clock;
        this.slew = new FrequencySlew(clock);
        this.discipline = discipline;
        this.selector = new SourceSelector(options);
        this.random = random;
        this.precision = precision;
    }

    /** The local time on the corrected timescale, nanoseconds since the Unix epoch. */
    public long now() {
        long raw = clock.readTime();
        return raw + Math.round(slew.remaining(raw) * 1e9);
    }

    private long cooked(long kernelTimestamp) {
        if (kernelTimestamp == NtpSource.NO_TIMESTAMP) {
            return now();
        }
        long raw = clock.fromKernel(kernelTimestamp);
        return raw + Math.round(slew.remaining(raw) * 1e9);
    }

    /**
     * Starts the discipline: the clock's frequency from the drift file (chronyd sets it at start).
     * A clock that refuses is reported and polling goes on.
     */
    public List<Action> startClock() {
        List<Action> out = new ArrayList<>();
        if (discipline.mode() == Discipline.Mode.NORMAL) {
            try {
                out.add(new Action.SlewTimer(slew.setBaseFrequency(-discipline.frequencyPpm())));
            } catch (ClockControl.ClockException e) {
                clockRefused(e, out);
            }
        }
        return out;
    }

    /** The slew timer ({@link Action.SlewTimer}) fired: end this slew, start the next. */
    public List<Action> onSlewTimer() {
        List<Action> out = new ArrayList<>();
        try {
            out.add(new Action.SlewTimer(slew.update()));
        } catch (ClockControl.ClockException e) {
            clockRefused(e, out);
        }
        return out;
    }

    private void clockRefused(ClockControl.ClockException e, List<Action> out) {
        if (!e.getMessage().equals(lastClockError)) {
            out.add(new Action.Notice("Could not adjust the system clock: " + e.getMessage()));
        }
        lastClockError = e.getMessage();
    }

    // ---- sources ----

    /** Adds a source (not yet polling: {@link #start}). */
    public NtpSource add(SourceDirective directive, int refId, SourceAuth auth) {
        NtpSource s = new NtpSource(directive, refId, auth, random, precision, this);
        sources.add(s);
        return s;
    }

    /** Starts polling {@code source}. */
    public List<Action> start(NtpSource source) {
        return source.start(now());
    }

    /** Takes a source away (chronyc's {@code delete}, or after {@link Action.Demobilize}). */
    public List<Action> remove(NtpSource source) {
        List<Action> out = new ArrayList<>();
        if (sources.remove(source)) {
            out.add(new Action.CancelTimer(source));
            selector.forget(source.source());
            select(now(), null, out);
        }
        return out;
    }

    public List<NtpSource> sources() {
        return Collections.unmodifiableList(sources);
    }

    // ---- events ----

    public List<Action> onTimer(NtpSource source) {
        return source.onTimer(now());
    }

    /**
     * A datagram from {@code source}, with its kernel receive timestamp or {@link
     * NtpSource#NO_TIMESTAMP}.
     */
    public List<Action> onPacket(NtpSource source, byte[] buf, int off, int len, long kernelRx) {
        long rx = cooked(kernelRx);
        return source.onPacket(Math.max(rx, now()), buf, off, len, rx);
    }

    /**
     * The request {@code packet} left at {@code kernelTx} (or now, with {@link
     * NtpSource#NO_TIMESTAMP}).
     */
    public void onSent(NtpSource source, byte[] packet, long kernelTx) {
        source.onSent(packet, cooked(kernelTx));
    }

    public List<Action> onKeyEstablished(NtpSource source, NtsAssociation.Session session) {
        return source.onKeyEstablished(now(), session);
    }

    public List<Action> onKeyEstablishmentFailed(NtpSource source, String why) {
        return source.onKeyEstablishmentFailed(now(), why);
    }

    public List<Action> setOnline(NtpSource source, boolean online) {
        return source.setOnline(now(), online);
    }

    public List<Action> burst(NtpSource source, int good, int total) {
        return source.burst(now(), good, total);
    }

    // ---- the host side of the sources ----

    @Override
    public void accumulate(NtpSource source, Sample sample, List<Action> out) {
        select(now(), source.source(), out);
    }

    @Override
    public void reachabilityUpdated(NtpSource source, List<Action> out) {
        if (discipline.mode() != Discipline.Mode.NORMAL && !oneShotDone && oneShotCannotSucceed()) {
            oneShotDone = true;
            out.add(
                    new Action.OneShotDone(
                            Double.NaN, false, "No suitable source for synchronisation"));
            return;
        }
        if (!source.source().reach().reachable()) {
            select(now(), null, out);
        }
    }

    /** chrony's special_mode_end: no source can still get the samples selection needs. */
    private boolean oneShotCannotSucceed() {
        for (NtpSource s : sources) {
            if (!s.pollScheduled()) {
                continue;
            }
            Source src = s.source();
            if (src.reachSize() >= Reach.WIDTH - 1) {
                continue;
            }
            if (Reach.WIDTH - 1 - src.reachSize() + src.stats().samples()
                    >= SourceStats.MIN_SAMPLES_FOR_REGRESSION) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Tracking reference(long now) {
        return discipline.trackingAt(now, slew.remaining());
    }

    @Override
    public boolean isSelected(NtpSource source) {
        return selector.selected() == source.source();
    }

    private void select(long now, Source updated, List<Action> out) {
        List<Source> all = new ArrayList<>(sources.size());
        for (NtpSource s : sources) {
            all.add(s.source());
        }
        switch (selector.select(all, now, updated)) {
            case SourceSelector.Outcome.NoUpdate n -> {}
            case SourceSelector.Outcome.Unsynchronised u -> {
                if (u.lost()) {
                    discipline.unsynchronised();
                }
                if (u.reason() != null && (u.lost() || !u.reason().equals(lastUnsyncReason))) {
                    out.add(new Action.Notice(u.reason()));
                }
                lastUnsyncReason = u.reason();
            }
            case SourceSelector.Outcome.Update u -> update(now, u, out);
        }
    }

    private void update(long now, SourceSelector.Outcome.Update u, List<Action> out) {
        lastUnsyncReason = null;
        Source sel = u.selected();
        double pending = slew.remaining();
        var reference = new Discipline.Reference(sel.refId(), sel.name(), sel.stratum());
        switch (discipline.update(now, u.estimate(), pending, reference, u.leap())) {
            case Discipline.Decision.Correct c -> {
                Correction k = c.correction();
                try {
                    apply(k, out);
                    lastClockError = null;
                } catch (ClockControl.ClockException e) {
                    clockRefused(e, out); // polling goes on
                    return;
                }
                clockUpdates++;
                if (k.step() != 0.0) {
                    out.add(
                            new Action.Notice(
                                    String.format(
                                            Locale.ROOT,
                                            "System clock was stepped by %.6f seconds",
                                            k.step())));
                }
                for (NtpSource s : sources) {
                    s.source().stats().slew(now, k.offset(), k.deltaFrequency());
                    s.slew(now, k.offset(), k.deltaFrequency());
                }
                if (c.driftfile() != null) {
                    out.add(new Action.SaveDriftfile(c.driftfile()));
                }
            }
            case Discipline.Decision.Ignored i -> out.add(new Action.Notice(i.message()));
            case Discipline.Decision.GiveUp g -> {
                out.add(new Action.Notice(g.message()));
                out.add(new Action.Exit(g.message()));
            }
            case Discipline.Decision.OneShot o -> {
                if (oneShotDone) {
                    return;
                }
                oneShotDone = true;
                out.add(oneShot(o));
            }
        }
    }

    /** Frequency, slew, then a step (which takes the slew still pending with it). */
    private void apply(Correction k, List<Action> out) throws ClockControl.ClockException {
        slew.setBaseFrequency(-k.frequencyPpm());
        double next = slew.accrue(k.slew(), k.correctionRate());
        if (k.step() != 0.0) {
            slew.takeRemaining();
            clock.stepOffset(k.step());
            next = slew.update();
        }
        out.add(new Action.SlewTimer(next));
    }

    /** {@code -Q} reports; {@code -q} steps, within {@code maxchange}. */
    private Action oneShot(Discipline.Decision.OneShot o) {
        if (!o.step()) {
            return new Action.OneShotDone(o.wrongBy(), false, null);
        }
        if (Math.abs(o.wrongBy()) > discipline.maxChange()) {
            return new Action.OneShotDone(
                    o.wrongBy(),
                    false,
                    String.format(
                            Locale.ROOT,
                            "System clock wrong by %.6f seconds, beyond maxchange %.3f seconds: not stepped",
                            o.wrongBy(),
                            discipline.maxChange()));
        }
        try {
            clock.stepOffset(o.wrongBy());
            return new Action.OneShotDone(o.wrongBy(), true, null);
        } catch (ClockControl.ClockException e) {
            return new Action.OneShotDone(
                    o.wrongBy(), false, "Could not step the system clock: " + e.getMessage());
        }
    }

    /**
     * chronyc's {@code makestep}: steps away whatever correction is still being slewed, unless it
     * exceeds {@code maxchange}.
     *
     * @return null when done, else why not
     */
    public String makestep() {
        double pending = slew.remaining();
        if (Math.abs(pending) > discipline.maxChange()) {
            return String.format(
                    Locale.ROOT,
                    "remaining correction of %.6f seconds exceeds maxchange %.3f seconds: not stepped",
                    pending,
                    discipline.maxChange());
        }
        if (Math.abs(pending) < FrequencySlew.MIN_OFFSET_CORRECTION) {
            return null;
        }
        try {
            double step = slew.takeRemaining();
            clock.stepOffset(step);
            return null;
        } catch (ClockControl.ClockException e) {
            return "Could not step the system clock: " + e.getMessage();
        }
    }

    // ---- reports ----

    public Discipline discipline() {
        return discipline;
    }

    public SourceSelector selector() {
        return selector;
    }

    /** chronyc's {@code tracking} now. */
    public Tracking tracking() {
        return discipline.trackingAt(now(), slew.remaining());
    }

    /** Clock updates carried out (for {@code nocerttimecheck}). */
    public long clockUpdates() {
        return clockUpdates;
    }

    /** The last refusal of the clock to be adjusted, or null. */
    public String lastClockError() {
        return lastClockError;
    }
}
