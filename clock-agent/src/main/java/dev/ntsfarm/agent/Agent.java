package dev.ntsfarm.agent;

import dev.ntsfarm.agent.nts.NtsKeClient;
import dev.ntsfarm.agent.nts.NtsTrust;
import dev.ntsfarm.agent.source.NtpSource;
import dev.ntsfarm.agent.source.Sample;
import dev.ntsfarm.agent.source.OneShotSelection;
import dev.ntsfarm.agent.source.SourceContext;
import dev.ntsfarm.agent.source.SourceListener;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.core.clock.ClockFilter;
import dev.ntsfarm.core.clock.Discipline;
import dev.ntsfarm.core.clock.Driftfile;
import dev.ntsfarm.core.clock.LeapStatus;
import dev.ntsfarm.core.clock.Makestep;
import dev.ntsfarm.core.clock.PollSchedule;
import dev.ntsfarm.core.clock.SelectOptions;
import dev.ntsfarm.core.clock.Source;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.SystemProcess;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.KeyFileResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The clock agent: its sources, their selection and the clock's discipline. A thin Vert.x adapter:
 * the sources measure ({@link NtpSource}), nts-core's {@link SystemProcess} filters, selects, combines
 * and corrects the clock through a {@link ClockControl} (the kernel's, or a software one with -x).
 */
public final class Agent implements SourceListener {

    /** Samples a source needs before it can be selected when {@code maxsamples} allows more. */
    public static final int DEFAULT_MIN_SAMPLES = 4;
    /** Addresses a {@code pool} directive expands to (chrony's {@code maxsources} default). */
    public static final int DEFAULT_POOL_SOURCES = 4;

    private final Vertx vertx;
    private final AgentConfig config;
    private final Consumer<String> log;
    private final LongSupplier clock;
    private final ClockControl control;
    private final List<NtpSource> sources = new CopyOnWriteArrayList<>();
    private final Map<NtpSource, Source> coreSources = new ConcurrentHashMap<>();
    private final Discipline discipline;
    private SystemProcess process;
    private final boolean disciplined;
    private NtsKeClient keClient;
    private SourceContext context;
    private volatile int clockUpdates;

    /**
     * @param control the clock to discipline: {@link dev.ntsfarm.agent.kernel.KernelClock}, or a
     *                {@link dev.ntsfarm.agent.kernel.ReadOnlyClock} that never touches the machine's
     */
    public Agent(Vertx vertx, AgentConfig config, Consumer<String> log, ClockControl control) {
        this(vertx, config, log, control, true);
    }

    /**
     * @param disciplined false for {@code -Q}/{@code -q}: samples only feed the one-shot selection and
     *                    the clock is left to the caller
     */
    public Agent(Vertx vertx, AgentConfig config, Consumer<String> log, ClockControl control, boolean disciplined) {
        this.vertx = vertx;
        this.disciplined = disciplined;
        this.config = config;
        this.log = log;
        this.control = control;
        this.clock = control::readTime;
        Makestep makestep = config.makeStep().map(m -> new Makestep(m.threshold(), m.limit())).orElse(Makestep.NEVER);
        this.discipline = Discipline.from(makestep, readDriftfile());
        this.process = new SystemProcess(control, discipline, SelectOptions.DEFAULTS);
    }

    private Driftfile.Content readDriftfile() {
        if (config.driftFile().isEmpty() || !Files.isReadable(config.driftFile().get())) {
            return new Driftfile.Invalid("no drift file");
        }
        try {
            return Driftfile.parse(Files.readString(config.driftFile().get()));
        } catch (java.io.IOException e) {
            return new Driftfile.Invalid(e.getMessage());
        }
    }

    // ---- the system process, one caller at a time ----

    @Override
    public double answered(NtpSource source, Sample s) {
        Source core = coreSources.get(source);
        if (core == null) {
            return Math.scalb(1.0, source.directive().minPoll());
        }
        dev.ntsfarm.core.clock.Sample measured = new dev.ntsfarm.core.clock.Sample(s.localUnixNanos(), s.offset(),
                s.delay(), s.dispersion(), s.rootDelay() + s.delay(), s.rootDispersion() + s.dispersion());
        synchronized (this) {
            if (!disciplined) {
                return core.schedule().afterPoll(true, false);
            }
            int updatesBefore = discipline.updates();
            double next = process.answered(process.sources().indexOf(core), measured, s.stratum(),
                    LeapStatus.ofIndicator(s.leap().code()));
            if (discipline.updates() != updatesBefore) {
                clockUpdates++;
            }
            return next;
        }
    }

    @Override
    public synchronized double unanswered(NtpSource source) {
        Source core = coreSources.get(source);
        if (core == null) {
            return Math.scalb(1.0, source.directive().minPoll());
        }
        return disciplined ? process.unanswered(process.sources().indexOf(core)) : core.schedule().afterPoll(false, false);
    }

    /** chronyc's sources line of each source, with chronyc's signs. */
    public synchronized List<SourceReport> sourceReports() {
        long now = clock.getAsLong();
        return sources.stream().map(s -> coreSources.get(s)).map(c -> c == null ? null : c.report(now)).toList();
    }

    /** chronyc's sourcestats line of each source. */
    public synchronized List<SourceStatsReport> sourceStatsReports() {
        long now = clock.getAsLong();
        return sources.stream().map(s -> coreSources.get(s)).map(c -> c == null ? null : c.statsReport(now)).toList();
    }

    /** chronyc's tracking report. */
    public synchronized dev.ntsfarm.core.clock.Tracking trackingReport() {
        return process.tracking();
    }

    /** {@code burst}: a burst on the source's schedule and a poll now. */
    public synchronized void burst(NtpSource source) {
        Source core = coreSources.get(source);
        if (core != null) {
            core.schedule().burst();
        }
        vertx.runOnContext(v -> source.pollSoon());
    }

    /** Whether a burst is under way on the source. */
    public synchronized boolean bursting(NtpSource source) {
        Source core = coreSources.get(source);
        return core != null && core.schedule().bursting();
    }

    /** The drift file's text now. */
    public synchronized String driftfile() {
        return discipline.driftfile();
    }

    /** Reads keys and certificates, then starts every source; the future fails with a message on a mistake. */
    public Future<Void> start() {
        return vertx.<SourceContext>executeBlocking(this::buildContext).compose(ctx -> {
            this.context = ctx;
            List<Future<Void>> started = new ArrayList<>();
            for (SourceDirective d : config.sources()) {
                started.add(addSource(d));
            }
            return Future.all(started).mapEmpty();
        });
    }

    private SourceContext buildContext() throws Exception {
        KeyFile keys = null;
        if (config.keyFile().isPresent()) {
            var f = config.keyFile().get();
            KeyFileResult r = KeyFile.parse(f.toString(), Files.readString(f));
            switch (r) {
                case KeyFileResult.Parsed p -> keys = p.keyFile();
                case KeyFileResult.Invalid inv -> throw new IllegalArgumentException(String.join("\n",
                        inv.errors().stream().map(Object::toString).toList()));
            }
        }
        try {
            NtsTrust trust = NtsTrust.of(config.trustedCerts(), config.systemCerts(),
                    () -> clockUpdates >= config.noCertTimeCheck());
            keClient = new NtsKeClient(trust, NtsKeClient.DEFAULT_TIMEOUT_MILLIS);
        } catch (Exception e) {
            // without trust anchors no NTS source can work; that is an error only if one is configured
            if (config.usesNts()) {
                throw e;
            }
        }
        SecureRandom random = new SecureRandom();
        return new SourceContext(clock, NonceSource.of(random), keys, keClient, config.aeads(),
                config.ntsRefreshSeconds(), config.ntsDumpDir().orElse(null), config.peerPort(), log, this::tracking);
    }

    /** Adds a source ({@code add server ...}); a pool adds one source per address, up to four. */
    public Future<Void> addSource(SourceDirective d) {
        if (d.kind() != SourceDirective.Kind.POOL) {
            return startSource(d);
        }
        return vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(d.host())).compose(addrs -> {
            List<Future<Void>> started = new ArrayList<>();
            for (int i = 0; i < Math.min(DEFAULT_POOL_SOURCES, addrs.length); i++) {
                started.add(startSource(new SourceDirective(SourceDirective.Kind.SERVER, addrs[i].getHostAddress(),
                        d.port(), d.ntsPort(), d.nts(), d.iburst(), d.keyId(), d.minPoll(), d.maxPoll(),
                        d.maxSamples())));
            }
            return Future.all(started).mapEmpty();
        });
    }

    private Future<Void> startSource(SourceDirective d) {
        NtpSource s;
        Source core;
        try {
            s = new NtpSource(vertx, d, context, this);
            core = new Source(d.host(), referenceId(d.host()),
                    d.kind() == SourceDirective.Kind.PEER ? SourceReport.MODE_PEER : SourceReport.MODE_SERVER,
                    new PollSchedule(d.minPoll(), d.maxPoll(), d.iburst()),
                    new ClockFilter(d.maxSamples() > 0 ? d.maxSamples() : ClockFilter.DEFAULT_MAX_SAMPLES));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        synchronized (this) {
            coreSources.put(s, core);
            process.add(core);
        }
        sources.add(s);
        return s.start().onFailure(e -> forget(List.of(s)));
    }

    /** Takes sources out of the system process, which has no removal: it is rebuilt from the rest. */
    private synchronized void forget(List<NtpSource> gone) {
        sources.removeAll(gone);
        gone.forEach(coreSources::remove);
        process = new SystemProcess(control, discipline, SelectOptions.DEFAULTS);
        for (NtpSource s : sources) {
            Source core = coreSources.get(s);
            if (core != null) {
                process.add(core);
            }
        }
    }

    /** Removes the sources polled at {@code address} (or named so); false when there is none. */
    public Future<Boolean> deleteSource(String address) {
        List<NtpSource> gone = sources.stream()
                .filter(s -> s.addressText().equals(address) || s.name().equals(address)).toList();
        forget(gone);
        return Future.all(gone.stream().map(NtpSource::stop).toList()).map(!gone.isEmpty());
    }

    public Future<Void> stop() {
        List<Future<Void>> stopped = sources.stream().map(NtpSource::stop).toList();
        sources.clear();
        Future<Void> saved = config.driftFile().isEmpty() || discipline.updates() == 0 ? Future.succeededFuture()
                : vertx.executeBlocking(() -> {
                    writeAtomically(config.driftFile().get(), driftfile());
                    return null;
                });
        return Future.join(Future.all(stopped), saved).mapEmpty();
    }

    private static void writeAtomically(java.nio.file.Path file, String text) throws java.io.IOException {
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public List<NtpSource> sources() {
        return List.copyOf(sources);
    }

    public AgentConfig config() {
        return config;
    }

    /** NTS-KE sessions this agent started (none when only stored cookies were used). */
    public long keSessions() {
        return keClient == null ? 0 : keClient.sessionsStarted();
    }

    /** The tracking state (the daemon's, from the system process), in the agent's signs. */
    public Tracking tracking() {
        dev.ntsfarm.core.clock.Tracking t = trackingReport();
        if (t.leap() == LeapStatus.UNSYNCHRONISED || t.stratum() == 0) {
            return Tracking.UNSYNCHRONISED;
        }
        return new Tracking(t.refId(), t.refName(), t.stratum(), t.refTime(), t.systemTime(), -t.lastOffset(),
                t.rmsOffset(), t.frequencyPpm(), t.residualFreqPpm(), t.skewPpm(), t.rootDelay(), t.rootDispersion(),
                t.updateInterval(), dev.ntsfarm.core.ntp.LeapIndicator.of(t.leap().indicator()));
    }

    /**
     * The one-shot selection of {@code -Q}/{@code -q} over the sources' latest samples: chronyd -Q
     * updates after the first samples (one with {@code maxsamples 1}), where the daemon's regression
     * wants three.
     */
    public OneShotSelection.Result oneShotSelection() {
        return OneShotSelection.select(sources, DEFAULT_MIN_SAMPLES);
    }

    /** Counts a clock update (for {@code nocerttimecheck}). */
    public void clockUpdated() {
        clockUpdates++;
    }

    /**
     * Completes with the selected source's offset once a source has been selected with enough
     * samples (as {@code chronyd -Q} waits for its first clock update).
     */
    public Future<Double> firstUpdate() {
        Promise<Double> p = Promise.promise();
        vertx.setPeriodic(20, id -> {
            Optional<OneShotSelection.Candidate> ref = oneShotSelection().reference();
            if (ref.isPresent()) {
                vertx.cancelTimer(id);
                clockUpdated();
                p.tryComplete(ref.get().sample().offset());
            }
        });
        return p.future();
    }

    /** chrony's reference id: an IPv4 address itself, otherwise the first four bytes of the MD5 of the address. */
    public static int referenceId(String address) {
        try {
            InetAddress a = InetAddress.ofLiteral(address);
            byte[] b = a.getAddress();
            if (a instanceof Inet4Address) {
                return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            }
            byte[] h = MessageDigest.getInstance("MD5").digest(b);
            return ((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
        } catch (Exception e) {
            return 0;
        }
    }
}
