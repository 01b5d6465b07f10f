package dev.ntsfarm.agent;

import dev.ntsfarm.agent.nts.NtsDump;
import dev.ntsfarm.agent.nts.NtsKeClient;
import dev.ntsfarm.agent.nts.NtsTrust;
import dev.ntsfarm.agent.source.SourceChannel;
import dev.ntsfarm.core.clock.Action;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.core.clock.Discipline;
import dev.ntsfarm.core.clock.Driftfile;
import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.clock.SourceAuth;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.SystemProcess;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.file.PrivateFile;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.KeyFileResult;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.socket.DatagramBatch;
import dev.ntsfarm.socket.TimestampedSocket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The clock agent: nts-core's {@link SystemProcess} (its sources, their selection, the discipline)
 * and the things that process asks for: a UDP socket per source ({@link SourceChannel}: the
 * kernel's receive time of each reply is T4, its transmit time of each request T1, as chronyd takes
 * them; where the kernel gives none the agent says so once and takes its own), timers, NTS-KE over
 * TLS, the drift file and the NTS dumps on a worker, the clock ({@link ClockControl}: the kernel's,
 * or a software one with {@code -x}, onto which kernel timestamps are brought). The daemon and
 * {@code -Q}/{@code -q} are the same agent in different {@link Discipline.Mode}s. Everything the
 * core does runs on the agent's one event-loop context, under the agent's lock, so reports may be
 * read from any thread.
 */
public final class Agent {

    /** A request sent, and the tag its kernel transmit time will come with. */
    private record Sent(long tag, byte[] packet) {}

    /** Addresses a {@code pool} directive expands to (chrony's {@code maxsources} default). */
    public static final int DEFAULT_POOL_SOURCES = 4;

    private final Vertx vertx;
    private final Context context;
    private final AgentConfig config;
    private final Consumer<String> log;
    private final ClockControl clock;
    private final Discipline.Mode mode;
    private final SystemProcess system;
    private final Map<NtpSource, SourceChannel> channels = new LinkedHashMap<>();
    private final Map<NtpSource, Long> timers = new HashMap<>();

    /** The last request sent to each source and the tag its kernel transmit time will come with. */
    private final Map<NtpSource, Sent> lastSent = new HashMap<>();

    private final Promise<Action.OneShotDone> oneShot = Promise.promise();
    private final Promise<String> exit = Promise.promise();
    private long slewTimer = -1;
    private KeyFile keys;
    private NtsKeClient keClient;
    private boolean stopped;
    private boolean toldTimestampFallback;

    /** The daemon's agent. */
    public Agent(Vertx vertx, AgentConfig config, Consumer<String> log, ClockControl clock) {
        this(vertx, config, log, clock, Discipline.Mode.NORMAL);
    }

    /**
     * @param clock the clock to discipline: {@link dev.ntsfarm.agent.kernel.KernelClock}, or a
     *     {@link dev.ntsfarm.agent.kernel.ReadOnlyClock} that never touches the machine's
     * @param mode the daemon, {@code -Q} or {@code -q}
     */
    public Agent(
            Vertx vertx,
            AgentConfig config,
            Consumer<String> log,
            ClockControl clock,
            Discipline.Mode mode) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.log = log;
        this.clock = clock;
        this.mode = mode;
        Driftfile.Content drift =
                mode == Discipline.Mode.NORMAL
                        ? readDriftfile()
                        : new Driftfile.Invalid("one-shot");
        this.system =
                new SystemProcess(
                        clock,
                        new Discipline(
                                mode,
                                config.makeStep().orElse(null),
                                config.maxChange().orElse(null),
                                config.maxUpdateSkew(),
                                drift),
                        config.selectOptions(),
                        NonceSource.of(new SecureRandom()));
    }

    private Driftfile.Content readDriftfile() {
        if (config.driftFile().isEmpty() || !Files.isReadable(config.driftFile().get())) {
            return new Driftfile.Invalid("no drift file");
        }
        try {
            return Driftfile.parse(Files.readString(config.driftFile().get()));
        } catch (IOException e) {
            return new Driftfile.Invalid(e.getMessage());
        }
    }

    // ---- start and stop ----

    /**
     * Checks that the clock may be adjusted (unless this is {@code -Q}), reads keys and
     * certificates, then starts every source; the future fails with a message on a mistake.
     */
    public Future<Void> start() {
        return vertx.<Void>executeBlocking(
                        () -> {
                            if (mode != Discipline.Mode.PRINT_ONCE) {
                                try {
                                    clock.checkAdjustable();
                                } catch (ClockControl.ClockException e) {
                                    throw new IllegalStateException(
                                            e.getMessage()
                                                    + ": run with CAP_SYS_TIME (as root), or with -x to leave the clock alone",
                                            e);
                                }
                            }
                            readKeysAndTrust();
                            return null;
                        })
                .compose(
                        v ->
                                onContext(
                                        () -> {
                                            synchronized (this) {
                                                carryOut(system.startClock());
                                            }
                                            return null;
                                        }))
                .compose(
                        v -> {
                            List<Future<Void>> started = new ArrayList<>();
                            for (SourceDirective d : config.sources()) {
                                started.add(addSource(d));
                            }
                            return Future.all(started).mapEmpty();
                        });
    }

    private void readKeysAndTrust() throws Exception {
        if (config.keyFile().isPresent()) {
            Path f = config.keyFile().get();
            KeyFileResult r = KeyFile.parse(f.toString(), Files.readString(f));
            switch (r) {
                case KeyFileResult.Parsed p -> keys = p.keyFile();
                case KeyFileResult.Invalid inv ->
                        throw new IllegalArgumentException(
                                String.join(
                                        "\n",
                                        inv.errors().stream().map(Object::toString).toList()));
            }
        }
        if (config.usesNts()) {
            NtsTrust trust =
                    NtsTrust.of(
                            config.trustedCerts(),
                            config.systemCerts(),
                            () -> clockUpdates() >= config.noCertTimeCheck());
            keClient = new NtsKeClient(trust, NtsKeClient.DEFAULT_TIMEOUT_MILLIS);
        }
    }

    /**
     * Reads the key file again (chronyd's {@code rekey}, here on SIGHUP): the symmetric-key sources
     * authenticate with the new keys from their next packet, and {@code add server ... key N} finds
     * them. A file that does not read or parse changes nothing; a source whose key id is gone keeps
     * the key it has. Completes with what was done, for the log.
     */
    public Future<String> reloadKeyFile() {
        if (config.keyFile().isEmpty()) {
            return Future.succeededFuture("no keyfile to reload");
        }
        Path f = config.keyFile().get();
        return vertx.<KeyFileResult>executeBlocking(
                        () -> KeyFile.parse(f.toString(), Files.readString(f)), false)
                .compose(
                        r ->
                                onContext(
                                        () ->
                                                switch (r) {
                                                    case KeyFileResult.Invalid inv ->
                                                            "key file "
                                                                    + f
                                                                    + " not reloaded, the keys in use stay: "
                                                                    + inv.errors().getFirst();
                                                    case KeyFileResult.Parsed p ->
                                                            useKeys(f, p.keyFile());
                                                }))
                .recover(
                        e ->
                                Future.succeededFuture(
                                        "key file "
                                                + f
                                                + " not reloaded: cannot read it ("
                                                + e.getClass().getSimpleName()
                                                + ")"));
    }

    private synchronized String useKeys(Path file, KeyFile fresh) {
        keys = fresh;
        int using = 0;
        List<String> gone = new ArrayList<>();
        for (NtpSource s : channels.keySet()) {
            if (s.auth() instanceof SourceAuth.Symmetric(SymmetricKey old)) {
                var key = fresh.get(old.id());
                if (key.isPresent() && s.useKey(key.get())) {
                    using++;
                } else {
                    gone.add("key " + old.id() + " of " + s.name());
                }
            }
        }
        return "key file "
                + file
                + " reloaded: "
                + fresh.keys().size()
                + " keys, "
                + using
                + " sources use them"
                + (gone.isEmpty()
                        ? ""
                        : "; not in it, kept as they were: " + String.join(", ", gone));
    }

    private synchronized long clockUpdates() {
        return system.clockUpdates();
    }

    /** Stops polling; writes the drift file and the NTS dumps (off the event loop). */
    public Future<Void> stop() {
        List<Future<Void>> closing = new ArrayList<>();
        String drift;
        List<NtsDump> dumps = new ArrayList<>();
        synchronized (this) {
            stopped = true;
            timers.values().forEach(vertx::cancelTimer);
            timers.clear();
            if (slewTimer >= 0) {
                vertx.cancelTimer(slewTimer);
            }
            for (Map.Entry<NtpSource, SourceChannel> e : channels.entrySet()) {
                closing.add(closeLater(e.getValue()));
                NtsAssociation nts = e.getKey().nts();
                NtsDump d = nts == null ? null : NtsDump.of(nts);
                if (d != null) {
                    dumps.add(d);
                }
            }
            channels.clear();
            lastSent.clear();
            drift =
                    mode == Discipline.Mode.NORMAL && system.discipline().updates() > 0
                            ? system.discipline().driftfile()
                            : null;
        }
        Future<Void> saved =
                vertx.executeBlocking(
                        () -> {
                            if (drift != null && config.driftFile().isPresent()) {
                                writeDriftfile(drift);
                            }
                            for (NtsDump d : dumps) {
                                saveDump(d);
                            }
                            return null;
                        });
        return Future.join(Future.join(closing), saved).mapEmpty();
    }

    // ---- sources ----

    /** Adds a source ({@code add server ...}); a pool adds one source per address, up to four. */
    public Future<Void> addSource(SourceDirective d) {
        if (d.kind() != SourceDirective.Kind.POOL) {
            return startSource(d);
        }
        return vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(d.host()))
                .compose(
                        addrs -> {
                            List<Future<Void>> started = new ArrayList<>();
                            for (int i = 0; i < Math.min(DEFAULT_POOL_SOURCES, addrs.length); i++) {
                                started.add(startSource(d.serverAt(addrs[i].getHostAddress())));
                            }
                            return Future.all(started).mapEmpty();
                        });
    }

    private SourceAuth authOf(SourceDirective d) {
        if (d.nts()) {
            if (keClient == null) {
                throw new IllegalArgumentException(
                        d.kind().directiveName()
                                + " "
                                + d.host()
                                + ": nts needs trusted certificates (ntstrustedcerts, or the system's)");
            }
            return new SourceAuth.Nts(
                    new NtsAssociation(
                            d.host(), d.ntsPort(), d.port(), config.ntsRefreshSeconds()));
        }
        if (d.hasKey()) {
            if (keys == null) {
                throw new IllegalArgumentException(
                        d.kind().directiveName()
                                + " "
                                + d.host()
                                + ": key "
                                + d.keyId()
                                + " given but no keyfile is configured");
            }
            SymmetricKey key =
                    keys.get(d.keyId())
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    d.kind().directiveName()
                                                            + " "
                                                            + d.host()
                                                            + ": key "
                                                            + d.keyId()
                                                            + " is not in the keyfile"));
            return new SourceAuth.Symmetric(key);
        }
        return SourceAuth.NONE;
    }

    private Future<Void> startSource(SourceDirective d) {
        SourceAuth auth;
        try {
            auth = authOf(d);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return vertx.<InetAddress>executeBlocking(
                        () -> {
                            if (auth instanceof SourceAuth.Nts(NtsAssociation nts)
                                    && config.ntsDumpDir().isPresent()) {
                                NtsDump.load(config.ntsDumpDir().get(), nts.keHost(), nts.kePort())
                                        .ifPresent(
                                                dump ->
                                                        nts.restore(
                                                                dump.session(),
                                                                dump.contextId(),
                                                                dump.keUnixSeconds()));
                            }
                            String host =
                                    auth instanceof SourceAuth.Nts(NtsAssociation nts)
                                            ? nts.ntpServer()
                                            : d.host();
                            return InetAddress.getByName(host);
                        })
                .<Void>compose(
                        address ->
                                onContext(
                                        () -> {
                                            NtpSource source;
                                            synchronized (this) {
                                                source =
                                                        system.add(
                                                                d,
                                                                NtpSource.referenceId(
                                                                        address.getAddress()),
                                                                auth);
                                            }
                                            int localPort =
                                                    d.kind() == SourceDirective.Kind.PEER
                                                            ? config.peerPort()
                                                            : 0;
                                            SourceChannel channel;
                                            try {
                                                channel =
                                                        new SourceChannel(
                                                                address,
                                                                source.ntpPort(),
                                                                localPort,
                                                                new SourceChannel.Receiver() {
                                                                    @Override
                                                                    public void onDatagram(
                                                                            byte[] data,
                                                                            long kernelRx) {
                                                                        context.runOnContext(
                                                                                v ->
                                                                                        onPacket(
                                                                                                source,
                                                                                                data,
                                                                                                kernelRx));
                                                                    }

                                                                    @Override
                                                                    public void onTransmitted(
                                                                            long tag,
                                                                            long kernelTx) {
                                                                        context.runOnContext(
                                                                                v ->
                                                                                        Agent.this
                                                                                                .onTransmitted(
                                                                                                        source,
                                                                                                        tag,
                                                                                                        kernelTx));
                                                                    }
                                                                });
                                            } catch (SocketException e) {
                                                synchronized (this) {
                                                    carryOut(system.remove(source));
                                                }
                                                throw new IllegalStateException(
                                                        d.kind().directiveName()
                                                                + " "
                                                                + d.host()
                                                                + ": "
                                                                + e.getMessage(),
                                                        e);
                                            }
                                            synchronized (this) {
                                                if (stopped) {
                                                    closeLater(channel);
                                                    carryOut(system.remove(source));
                                                    return null;
                                                }
                                                channels.put(source, channel);
                                                carryOut(system.start(source));
                                            }
                                            tellTimestampFallback(channel);
                                            return null;
                                        }));
    }

    /** Says once, for the first socket without them, that the kernel gives no timestamps. */
    private synchronized void tellTimestampFallback(SourceChannel channel) {
        boolean rx = channel.receiveTimestamps() != TimestampedSocket.ReceiveTimestamps.NONE;
        boolean tx = channel.transmitTimestamps();
        if ((rx && tx) || toldTimestampFallback) {
            return;
        }
        toldTimestampFallback = true;
        String which = !rx && !tx ? "receive or transmit" : !rx ? "receive" : "transmit";
        log.accept(
                "No kernel "
                        + which
                        + " timestamps (first for "
                        + channel.addressText()
                        + "): packets are timestamped when the agent sends or reads them, less exactly");
    }

    private void onPacket(NtpSource source, byte[] packet, long kernelRx) {
        synchronized (this) {
            if (channels.containsKey(source)) {
                long rx =
                        kernelRx == DatagramBatch.NO_TIMESTAMP ? NtpSource.NO_TIMESTAMP : kernelRx;
                carryOut(system.onPacket(source, packet, 0, packet.length, rx));
            }
        }
    }

    /** The kernel's transmit time of a request: T1, in place of the time the send returned. */
    private synchronized void onTransmitted(NtpSource source, long tag, long kernelTx) {
        Sent sent = lastSent.get(source);
        if (sent != null && sent.tag() == tag && channels.containsKey(source)) {
            system.onSent(source, sent.packet(), kernelTx);
        }
    }

    /** Closes {@code channel} on a worker: closing waits for the channel's thread. */
    private Future<Void> closeLater(SourceChannel channel) {
        return vertx.executeBlocking(
                () -> {
                    channel.close();
                    return null;
                },
                false);
    }

    private synchronized void remove(NtpSource source) {
        SourceChannel c = channels.remove(source);
        lastSent.remove(source);
        if (c != null) {
            closeLater(c);
        }
        Long t = timers.remove(source);
        if (t != null) {
            vertx.cancelTimer(t);
        }
        carryOut(system.remove(source));
    }

    /** Removes the sources polled at {@code address} (or named so); false when there is none. */
    public Future<Boolean> deleteSource(String address) {
        return onContext(
                () -> {
                    List<NtpSource> gone = select(address);
                    gone.forEach(this::remove);
                    return !gone.isEmpty();
                });
    }

    private synchronized List<NtpSource> select(String selector) {
        List<NtpSource> out = new ArrayList<>();
        for (Map.Entry<NtpSource, SourceChannel> e : channels.entrySet()) {
            if (selector.isEmpty()
                    || e.getKey().name().equals(selector)
                    || e.getValue().addressText().equals(selector)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /**
     * chronyc's {@code burst} on the sources named or at {@code selector} (empty: all); how many.
     */
    public int burst(String selector) {
        List<NtpSource> sel = select(selector);
        context.runOnContext(
                v -> {
                    synchronized (this) {
                        sel.forEach(
                                s ->
                                        carryOut(
                                                system.burst(
                                                        s,
                                                        NtpSource.DEFAULT_BURST_GOOD,
                                                        NtpSource.DEFAULT_BURST_TOTAL)));
                    }
                });
        return sel.size();
    }

    /** chronyc's {@code online}/{@code offline}, selected as {@link #burst}; how many. */
    public int setOnline(String selector, boolean online) {
        List<NtpSource> sel = select(selector);
        context.runOnContext(
                v -> {
                    synchronized (this) {
                        sel.forEach(s -> carryOut(system.setOnline(s, online)));
                    }
                });
        return sel.size();
    }

    /** chronyc's {@code makestep}: null when done, else why not. */
    public synchronized String makestep() {
        return system.makestep();
    }

    // ---- carrying out what the core decided ----

    private <T> Future<T> onContext(java.util.concurrent.Callable<T> task) {
        Promise<T> p = Promise.promise();
        context.runOnContext(
                v -> {
                    try {
                        p.complete(task.call());
                    } catch (Exception e) {
                        p.fail(e);
                    }
                });
        return p.future();
    }

    /** Carries out the core's actions; called with the lock held, on the agent's context. */
    private void carryOut(List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> send(s);
                case Action.SetTimer t -> setTimer(t.source(), t.seconds());
                case Action.CancelTimer c -> {
                    Long id = timers.remove(c.source());
                    if (id != null) {
                        vertx.cancelTimer(id);
                    }
                }
                case Action.SlewTimer t -> {
                    if (slewTimer >= 0) {
                        vertx.cancelTimer(slewTimer);
                    }
                    slewTimer =
                            stopped
                                    ? -1
                                    : vertx.setTimer(
                                            millis(t.seconds()),
                                            id -> {
                                                synchronized (this) {
                                                    slewTimer = -1;
                                                    if (!stopped) {
                                                        carryOut(system.onSlewTimer());
                                                    }
                                                }
                                            });
                }
                case Action.StartKeyEstablishment k -> keyEstablishment(k.source());
                case Action.Demobilize d -> {
                    log.accept(d.reason() + ": source removed");
                    context.runOnContext(v -> remove(d.source()));
                }
                case Action.Notice n -> log.accept(n.message());
                case Action.SaveDriftfile s -> {
                    if (config.driftFile().isPresent()) {
                        vertx.executeBlocking(
                                        () -> {
                                            writeDriftfile(s.content());
                                            return null;
                                        },
                                        false)
                                .onFailure(
                                        e ->
                                                log.accept(
                                                        "Could not write the drift file: "
                                                                + e.getMessage()));
                    }
                }
                case Action.SaveNtsState s -> {
                    NtsAssociation nts = s.source().nts();
                    NtsDump d =
                            nts == null || config.ntsDumpDir().isEmpty() ? null : NtsDump.of(nts);
                    if (d != null) {
                        vertx.executeBlocking(
                                () -> {
                                    saveDump(d);
                                    return null;
                                },
                                false);
                    }
                }
                case Action.OneShotDone o -> oneShot.tryComplete(o);
                case Action.Exit e -> exit.tryComplete(e.message());
            }
        }
    }

    private static long millis(double seconds) {
        return Math.max(1, Math.round(seconds * 1000));
    }

    private void setTimer(NtpSource source, double seconds) {
        Long old = timers.remove(source);
        if (old != null) {
            vertx.cancelTimer(old);
        }
        if (stopped || !channels.containsKey(source)) {
            return;
        }
        long[] id = new long[1];
        id[0] =
                vertx.setTimer(
                        millis(seconds),
                        t -> {
                            synchronized (this) {
                                if (timers.get(source) != null && timers.get(source) == id[0]) {
                                    timers.remove(source);
                                    carryOut(system.onTimer(source));
                                }
                            }
                        });
        timers.put(source, id[0]);
    }

    private void send(Action.Send s) {
        SourceChannel c = channels.get(s.source());
        if (c == null) {
            return;
        }
        long tag = c.send(s.packet());
        if (tag >= 0) {
            // T1 once the datagram has left; the kernel's transmit time replaces it when it comes
            system.onSent(s.source(), s.packet(), NtpSource.NO_TIMESTAMP);
            lastSent.put(s.source(), new Sent(tag, s.packet()));
        }
    }

    private void keyEstablishment(NtpSource source) {
        NtsAssociation nts = source.nts();
        if (nts == null || keClient == null) {
            return;
        }
        vertx.<Object[]>executeBlocking(
                        () -> {
                            NtsAssociation.Session s =
                                    keClient.negotiate(
                                            nts.keHost(),
                                            nts.kePort(),
                                            config.aeads(),
                                            nts.configuredNtpPort());
                            return new Object[] {s, InetAddress.getByName(s.ntpServer())};
                        },
                        false)
                .onComplete(
                        ar -> {
                            synchronized (this) {
                                SourceChannel c = channels.get(source);
                                if (c == null) {
                                    return;
                                }
                                if (ar.succeeded()) {
                                    NtsAssociation.Session s =
                                            (NtsAssociation.Session) ar.result()[0];
                                    c.redirect((InetAddress) ar.result()[1], s.ntpPort());
                                    carryOut(system.onKeyEstablished(source, s));
                                } else {
                                    carryOut(
                                            system.onKeyEstablishmentFailed(
                                                    source, ar.cause().getMessage()));
                                }
                            }
                        });
    }

    /**
     * Files are written by workers: a write on the event loop would hold every source's packets
     * behind it.
     */
    private static void requireWorker(String what) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException(what + " written on the event loop");
        }
    }

    private void writeDriftfile(String content) throws IOException {
        requireWorker("the drift file");
        PrivateFile.write(config.driftFile().get(), content.getBytes(StandardCharsets.US_ASCII));
    }

    private void saveDump(NtsDump d) {
        requireWorker("NTS state");
        try {
            Files.createDirectories(config.ntsDumpDir().get());
            d.save(config.ntsDumpDir().get());
        } catch (IOException e) {
            log.accept("Could not save NTS state of " + d.keHost() + ": " + e.getMessage());
        }
    }

    // ---- what the control plane and the one-shot modes read ----

    /** {@code -Q}/{@code -q}: completes with the one-shot result. */
    public Future<Action.OneShotDone> oneShot() {
        return oneShot.future();
    }

    /** Completes with chronyd's message when the agent gives up ({@code maxchange}). */
    public Future<String> exited() {
        return exit.future();
    }

    /**
     * One source as chronyc's reports show it.
     *
     * @param name the name on its line (a pool member's address)
     * @param address the address polled
     * @param report its {@code sources} line
     * @param stats its {@code sourcestats} line
     * @param key its symmetric key, or null
     * @param nts its NTS state, or null
     * @param online chronyc's online
     * @param bursting a burst is under way
     */
    public record SourceView(
            String name,
            String address,
            SourceReport report,
            SourceStatsReport stats,
            SymmetricKey key,
            NtsView nts,
            boolean online,
            boolean bursting) {}

    /**
     * A source's NTS state as chronyc's {@code authdata} shows it.
     *
     * @param contextId KeyID: NTS-KE sessions so far
     * @param aead Type: the AEAD's id, 0 before NTS-KE
     * @param keyBits KLen
     * @param keUnixSeconds when the keys were made, or {@link NtsAssociation#NEVER}
     * @param attempts NTS-KE failures in a row
     * @param naks NAKs received
     * @param cookies cookies held
     * @param cookieLength length of the newest
     */
    public record NtsView(
            long contextId,
            int aead,
            int keyBits,
            long keUnixSeconds,
            int attempts,
            long naks,
            int cookies,
            int cookieLength) {
        static NtsView of(NtsAssociation n) {
            return new NtsView(
                    n.contextId(),
                    n.keys() == null ? 0 : n.keys().algorithm().id(),
                    n.keys() == null ? 0 : n.keys().algorithm().keyLength() * 8,
                    n.keUnixSeconds(),
                    n.failedAttempts(),
                    n.naks(),
                    n.cookies(),
                    n.cookieLength());
        }
    }

    /** Every source, in the order they were added. */
    public synchronized List<SourceView> sources() {
        long now = system.now();
        List<SourceView> out = new ArrayList<>();
        for (Map.Entry<NtpSource, SourceChannel> e : channels.entrySet()) {
            NtpSource s = e.getKey();
            SymmetricKey key = s.auth() instanceof SourceAuth.Symmetric(SymmetricKey k) ? k : null;
            out.add(
                    new SourceView(
                            s.name(),
                            e.getValue().addressText(),
                            s.report(now),
                            s.source().statsReport(now),
                            key,
                            s.nts() == null ? null : NtsView.of(s.nts()),
                            s.online(),
                            s.bursting()));
        }
        return out;
    }

    /** The core's sources, for tests that look inside. */
    public synchronized List<NtpSource> ntpSources() {
        return List.copyOf(channels.keySet());
    }

    /** chronyc's tracking report. */
    public synchronized Tracking tracking() {
        return system.tracking();
    }

    /**
     * What the local responder serves: the tracking state as of the last clock update (the
     * responder grows the root dispersion itself), unsynchronised before one.
     */
    public synchronized Tracking trackingAtUpdate() {
        return system.discipline().trackingAtUpdate();
    }

    public AgentConfig config() {
        return config;
    }

    public ClockControl clock() {
        return clock;
    }

    /** NTS-KE sessions this agent started (none when only stored cookies were used). */
    public long keSessions() {
        return keClient == null ? 0 : keClient.sessionsStarted();
    }
}
