package dev.ntsfarm.agent;

import dev.ntsfarm.agent.nts.NtsKeClient;
import dev.ntsfarm.agent.nts.NtsTrust;
import dev.ntsfarm.agent.source.NtpSource;
import dev.ntsfarm.agent.source.Sample;
import dev.ntsfarm.agent.source.Selection;
import dev.ntsfarm.agent.source.SourceContext;
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
 * The clock agent: its sources, their selection and the tracking state. A thin Vert.x adapter; the
 * measurements and choices come from {@link NtpSource} and {@link Selection}.
 */
public final class Agent {

    /** Samples a source needs before it can be selected when {@code maxsamples} allows more. */
    public static final int DEFAULT_MIN_SAMPLES = 4;
    /** Addresses a {@code pool} directive expands to (chrony's {@code maxsources} default). */
    public static final int DEFAULT_POOL_SOURCES = 4;

    private final Vertx vertx;
    private final AgentConfig config;
    private final Consumer<String> log;
    private final LongSupplier clock;
    private final List<NtpSource> sources = new CopyOnWriteArrayList<>();
    private NtsKeClient keClient;
    private SourceContext context;
    private volatile int clockUpdates;
    private volatile Tracking lastTracking = Tracking.UNSYNCHRONISED;

    public Agent(Vertx vertx, AgentConfig config, Consumer<String> log, LongSupplier clock) {
        this.vertx = vertx;
        this.config = config;
        this.log = log;
        this.clock = clock;
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
        try {
            s = new NtpSource(vertx, d, context);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        sources.add(s);
        return s.start().onFailure(e -> sources.remove(s));
    }

    /** Removes the sources polled at {@code address} (or named so); false when there is none. */
    public Future<Boolean> deleteSource(String address) {
        List<NtpSource> gone = sources.stream()
                .filter(s -> s.addressText().equals(address) || s.name().equals(address)).toList();
        sources.removeAll(gone);
        return Future.all(gone.stream().map(NtpSource::stop).toList()).map(!gone.isEmpty());
    }

    public Future<Void> stop() {
        List<Future<Void>> stopped = sources.stream().map(NtpSource::stop).toList();
        sources.clear();
        return Future.all(stopped).mapEmpty();
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

    /** The current selection. */
    public Selection.Result selection() {
        return Selection.select(sources, DEFAULT_MIN_SAMPLES);
    }

    /** The tracking state derived from the current selection. */
    public Tracking tracking() {
        Optional<Selection.Candidate> ref = selection().reference();
        if (ref.isEmpty()) {
            return lastTracking.synchronised() ? lastTracking : Tracking.UNSYNCHRONISED;
        }
        NtpSource src = ref.get().source();
        Sample best = ref.get().sample();
        Sample last = src.lastSample().orElse(best);
        double rms = Math.sqrt(src.samples().stream().mapToDouble(s -> s.offset() * s.offset()).average().orElse(0));
        Tracking t = new Tracking(referenceId(src.addressText()), src.addressText(), Math.min(16, best.stratum() + 1),
                best.localUnixNanos(), best.offset(), last.offset(), rms, 0, 0, 0,
                best.rootDelay() + best.delay(), best.rootDispersion() + best.dispersion(),
                Math.scalb(1.0, src.poll()), best.leap());
        lastTracking = t;
        return t;
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
            Optional<Selection.Candidate> ref = selection().reference();
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
