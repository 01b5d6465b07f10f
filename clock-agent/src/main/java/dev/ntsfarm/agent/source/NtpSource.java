package dev.ntsfarm.agent.source;

import dev.ntsfarm.agent.nts.NtsAssociation;
import dev.ntsfarm.agent.nts.NtsKeResult;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.NtpMac;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.nts.NtsClientResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * One time source ({@code server}, a member of a {@code pool}, or a symmetric {@code peer}): its own
 * UDP socket, its poll timer, the reach register and its recent samples. Runs on one event loop;
 * NTS-KE runs on a worker and reports back to that loop.
 */
public final class NtpSource {

    /** Samples kept when {@code maxsamples} is not given (the clock filter's window). */
    public static final int DEFAULT_SAMPLES = 8;
    /** A reply later than this after the request is not waited for (a peer's, a whole poll interval). */
    public static final long REPLY_TIMEOUT_MILLIS = 1000;
    /** log2 of the precision we announce, about a microsecond. */
    public static final int PRECISION_EXPONENT = -20;

    private final Vertx vertx;
    private final SourceDirective directive;
    private final SourceContext ctx;
    private final SourceListener listener;
    private final NtsAssociation nts;
    private final SymmetricKey key;
    private final ReachRegister reach = new ReachRegister();
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final int keep;

    private DatagramSocket socket;
    private InetAddress address;
    private int poll;
    /** The next poll's timer, -1 when none is due (stopped, or offline). */
    private volatile long timer = -1;
    private long timeoutTimer = -1;
    private boolean online = true;
    private boolean stopped;

    // the request awaiting its reply
    private NtsClientRequest ntsPending;
    private long pendingTransmitBits;
    private long pendingT1;
    private boolean pending;
    // symmetric mode: the peer's latest transmit timestamp and when it arrived
    private long peerTransmitBits;
    private long peerArrivalNanos;

    private long lastRxNanos = Long.MIN_VALUE;
    private String lastError = "";

    public NtpSource(Vertx vertx, SourceDirective directive, SourceContext ctx, SourceListener listener) {
        this.vertx = vertx;
        this.directive = directive;
        this.ctx = ctx;
        this.listener = listener;
        this.poll = directive.minPoll();
        this.keep = directive.maxSamples() > 0 ? directive.maxSamples() : DEFAULT_SAMPLES;
        this.nts = directive.nts()
                ? new NtsAssociation(directive.host(), directive.ntsPort(), directive.port(), ctx.refreshSeconds(),
                        ctx.dumpDir())
                : null;
        if (directive.hasKey()) {
            if (ctx.keyFile() == null) {
                throw new IllegalArgumentException(directive.kind().directiveName() + " " + directive.host()
                        + ": key " + directive.keyId() + " given but no keyfile is configured");
            }
            this.key = ctx.keyFile().get(directive.keyId()).orElseThrow(() -> new IllegalArgumentException(
                    directive.kind().directiveName() + " " + directive.host() + ": key " + directive.keyId()
                            + " is not in the keyfile"));
        } else {
            this.key = null;
        }
    }

    /** Resolves the host, binds the socket and schedules the first poll; the future completes when bound. */
    public Future<Void> start() {
        if (nts != null) {
            nts.loadDump();
        }
        return vertx.<InetAddress>executeBlocking(() -> InetAddress.getByName(
                nts != null ? nts.ntpServer() : directive.host())).compose(addr -> {
            this.address = addr;
            socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(addr instanceof Inet6Address));
            socket.handler(this::onPacket);
            int localPort = directive.kind() == SourceDirective.Kind.PEER ? ctx.peerPort() : 0;
            String any = addr instanceof Inet6Address ? "::" : "0.0.0.0";
            return socket.listen(localPort, addr.isLoopbackAddress() ? addr.getHostAddress() : any);
        }).map(s -> {
            schedule(directive.iburst() ? 0 : 10);
            return null;
        });
    }

    public Future<Void> stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (timeoutTimer >= 0) {
            vertx.cancelTimer(timeoutTimer);
        }
        if (nts != null) {
            try {
                nts.saveDump();
            } catch (java.io.IOException e) {
                ctx.log().accept("Could not save NTS state of " + directive.host() + ": " + e.getMessage());
            }
        }
        return socket == null ? Future.succeededFuture() : socket.close();
    }

    /** Polls now (after {@code burst}, or when brought online); the schedule decides the rest. */
    public void pollSoon() {
        schedule(0);
    }

    public void setOnline(boolean online) {
        this.online = online;
        if (online) {
            schedule(0);
        } else if (timer >= 0) {
            // chronyc's offline: no more requests until online, so no poll stays due
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** Whether a poll is due: false once the source is offline or stopped. */
    public boolean pollScheduled() {
        return timer >= 0;
    }

    private void schedule(long delayMillis) {
        if (stopped || !online) {
            return;
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        timer = vertx.setTimer(Math.max(1, delayMillis), id -> {
            timer = -1;
            pollNow();
        });
    }

    private long pollIntervalMillis() {
        return Math.max(1, Math.round(Math.scalb(1000.0, poll)));
    }

    /** The next poll {@code seconds} after the request went out. */
    private void scheduleAfterRequest(double seconds) {
        poll = (int) Math.round(Math.log(Math.max(seconds, 1e-3)) / Math.log(2));
        long elapsed = (ctx.localUnixNanos().getAsLong() - pendingT1) / 1_000_000L;
        schedule(Math.max(0, Math.round(seconds * 1000) - elapsed));
    }

    private void onTimeout() {
        timeoutTimer = -1;
        if (pending && !stopped) {
            pending = false;
            scheduleAfterRequest(listener.unanswered(this));
        }
    }

    /** Requests sent, so a late send completion never moves the T1 of a newer request. */
    private long sendCount;

    private void pollNow() {
        if (!online || stopped) {
            return;
        }
        long now = ctx.localUnixNanos().getAsLong();
        if (nts != null && nts.needsKeyEstablishment(now / 1_000_000_000L)) {
            runKeyEstablishment();
            if (nts.cookies() == 0) {
                return; // polled again when NTS-KE finishes
            }
        }
        if (timeoutTimer >= 0) {
            vertx.cancelTimer(timeoutTimer);
            timeoutTimer = -1;
        }
        byte[] packet = buildRequest(now);
        pendingT1 = ctx.localUnixNanos().getAsLong();
        if (packet == null) {
            pending = false;
            scheduleAfterRequest(listener.unanswered(this));
            return;
        }
        reach.transmitted();
        pending = true;
        int port = nts != null ? nts.ntpPort() : directive.port();
        long sent = ++sendCount;
        socket.send(Buffer.buffer(packet), port, address.getHostAddress()).onSuccess(v -> {
            // T1 once the datagram is written: Vert.x resolves the host first, and the first
            // resolution (resolver start-up) would otherwise count as tens of ms of outbound delay
            if (pending && sent == sendCount) {
                pendingT1 = ctx.localUnixNanos().getAsLong();
            }
        });
        long wait = directive.kind() == SourceDirective.Kind.PEER ? pollIntervalMillis()
                : Math.min(REPLY_TIMEOUT_MILLIS, pollIntervalMillis());
        timeoutTimer = vertx.setTimer(Math.max(1, wait), id -> onTimeout());
    }

    private byte[] buildRequest(long now) {
        if (nts != null) {
            long bits = randomBits();
            Optional<NtsClientRequest> r = nts.nextRequest(poll, ctx.random(), bits);
            if (r.isEmpty()) {
                return null;
            }
            ntsPending = r.get();
            pendingTransmitBits = bits;
            return r.get().packet();
        }
        boolean peer = directive.kind() == SourceDirective.Kind.PEER;
        // A peer reads our transmit timestamp as its T1, so it must be real; a client's may be random (RFC 9109).
        long bits = peer ? NtpTimestamp.bitsOfUnixNanos(now) : randomBits();
        pendingTransmitBits = bits;
        NtpTimestamp origin = peer ? new NtpTimestamp(peerTransmitBits) : NtpTimestamp.ZERO;
        NtpTimestamp receive = peer && peerArrivalNanos != 0
                ? NtpTimestamp.ofUnixNanos(peerArrivalNanos) : NtpTimestamp.ZERO;
        int length = NtpHeader.LENGTH + (key == null ? 0 : key.algorithm().trailerLength(NtpHeader.VERSION_4));
        byte[] p = new byte[length];
        if (peer) {
            // A symmetric peer learns our own synchronisation from the header (RFC 5905 section 9)
            dev.ntsfarm.agent.Tracking t = ctx.syncState().get();
            boolean synced = t.synchronised();
            new NtpHeader(synced ? t.leap() : LeapIndicator.UNSYNCHRONIZED, NtpHeader.VERSION_4,
                    NtpMode.SYMMETRIC_ACTIVE, synced ? t.stratum() : 0, poll, PRECISION_EXPONENT,
                    NtpShort.ofSeconds(t.rootDelay()), NtpShort.ofSeconds(t.rootDispersion()), t.referenceId(),
                    synced ? NtpTimestamp.ofUnixNanos(t.referenceTimeUnixNanos()) : NtpTimestamp.ZERO, origin, receive,
                    new NtpTimestamp(bits)).write(p, 0);
        } else {
            new NtpHeader(LeapIndicator.NO_WARNING, NtpHeader.VERSION_4, NtpMode.CLIENT, 0, poll, PRECISION_EXPONENT,
                    NtpShort.ZERO, NtpShort.ZERO, 0, NtpTimestamp.ZERO, origin, receive, new NtpTimestamp(bits))
                    .write(p, 0);
        }
        if (key != null) {
            NtpMac.writeTrailer(key, NtpHeader.VERSION_4, p, 0, NtpHeader.LENGTH, p, NtpHeader.LENGTH);
        }
        return p;
    }

    private long randomBits() {
        byte[] b = new byte[8];
        ctx.random().nextBytes(b, 0, 8);
        return java.nio.ByteBuffer.wrap(b).getLong();
    }

    private void runKeyEstablishment() {
        nts.keyEstablishmentStarted();
        vertx.<NtsKeResult>executeBlocking(() -> ctx.keClient().negotiate(nts.keHost(), nts.kePort(), ctx.aeads(),
                nts.configuredNtpPort()), false).onComplete(ar -> {
                    long nowSec = ctx.localUnixNanos().getAsLong() / 1_000_000_000L;
                    if (ar.succeeded()) {
                        NtsKeResult r = ar.result();
                        nts.keyEstablishmentSucceeded(r, nowSec);
                        try {
                            nts.saveDump();
                        } catch (java.io.IOException e) {
                            ctx.log().accept("Could not save NTS state of " + directive.host() + ": " + e.getMessage());
                        }
                        vertx.<InetAddress>executeBlocking(() -> InetAddress.getByName(r.ntpServer()))
                                .onSuccess(a -> {
                                    address = a;
                                    schedule(0);
                                });
                    } else {
                        nts.keyEstablishmentFailed(nowSec);
                        lastError = ar.cause().getMessage();
                        ctx.log().accept("NTS-KE with " + nts.keHost() + ":" + nts.kePort() + " failed: " + lastError);
                        if (nts.cookies() == 0) {
                            schedule(NtsAssociationRetry.delayMillis(nts.failedAttempts()));
                        }
                    }
                });
    }

    private void onPacket(DatagramPacket dp) {
        long t4 = ctx.localUnixNanos().getAsLong();
        if (address == null || !dp.sender().hostAddress().equals(address.getHostAddress())) {
            return;
        }
        byte[] buf = dp.data().getBytes();
        if (buf.length < NtpHeader.LENGTH || !(NtpHeader.read(buf, 0, buf.length) instanceof NtpHeader.Read.Parsed p)) {
            return;
        }
        NtpHeader h = p.header();
        boolean peer = directive.kind() == SourceDirective.Kind.PEER;
        if (peer) {
            onPeerPacket(buf, h, t4);
            return;
        }
        if (!pending || h.mode() != NtpMode.SERVER) {
            return;
        }
        if (nts != null) {
            NtsClientResponse.Result r = nts.acceptReply(buf, 0, buf.length, ntsPending);
            if (r instanceof NtsClientResponse.Result.Nak) {
                // counted as unanswered when the reply timeout fires
                lastError = "NTS NAK";
                ctx.log().accept("Received NTS NAK from " + directive.host());
                return;
            }
            if (!(r instanceof NtsClientResponse.Result.Verified)) {
                return;
            }
        } else {
            if (h.originTimestamp().bits() != pendingTransmitBits) {
                return;
            }
            if (key != null && !macValid(buf)) {
                return;
            }
        }
        accept(h, pendingT1, t4);
    }

    private void onPeerPacket(byte[] buf, NtpHeader h, long t4) {
        if (h.mode() != NtpMode.SYMMETRIC_ACTIVE && h.mode() != NtpMode.SYMMETRIC_PASSIVE) {
            return;
        }
        if (key != null && !macValid(buf)) {
            return;
        }
        boolean answersUs = pending && h.originTimestamp().bits() == pendingTransmitBits;
        peerTransmitBits = h.transmitTimestamp().bits();
        peerArrivalNanos = t4;
        if (answersUs) {
            accept(h, pendingT1, t4);
        }
    }

    private boolean macValid(byte[] buf) {
        int trailer = buf.length - NtpHeader.LENGTH;
        if (trailer < MacAlgorithm.NTP_MIN_MAC_LENGTH || Bytes.u32(buf, NtpHeader.LENGTH) != key.id()) {
            return false;
        }
        int macOff = NtpHeader.LENGTH + MacAlgorithm.KEY_ID_LENGTH;
        return NtpMac.verify(key, NtpHeader.version(buf, 0), buf, 0, NtpHeader.LENGTH, buf, macOff,
                buf.length - macOff);
    }

    private void accept(NtpHeader h, long t1, long t4) {
        if (h.kissCode() != null) {
            lastError = "kiss code " + h.kissCode();
            return;
        }
        if (h.leap() == LeapIndicator.UNSYNCHRONIZED || h.stratum() == 0 || h.stratum() >= 16) {
            lastError = "server unsynchronised";
            return;
        }
        long t2 = h.receiveTimestamp().toUnixNanos(t1);
        long t3 = h.transmitTimestamp().toUnixNanos(t1);
        Sample s = Sample.of(t1, t2, t3, t4, h.stratum(), h.referenceId(), h.rootDelay().toSeconds(),
                h.rootDispersion().toSeconds(), h.leap(), h.referenceTimestamp().bits() == 0 ? 0
                        : h.referenceTimestamp().toUnixNanos(t1), h.precision());
        pending = false;
        if (timeoutTimer >= 0) {
            vertx.cancelTimer(timeoutTimer);
            timeoutTimer = -1;
        }
        reach.received();
        lastRxNanos = t4;
        lastError = "";
        samples.addLast(s);
        while (samples.size() > keep) {
            samples.pollFirst();
        }
        scheduleAfterRequest(listener.answered(this, s));
    }

    // ---- what reports read ----

    public SourceDirective directive() {
        return directive;
    }

    public String name() {
        return directive.host();
    }

    /** The address polled, as text (or the host name before it resolved). */
    public String addressText() {
        return address == null ? directive.host() : address.getHostAddress();
    }

    public ReachRegister reach() {
        return reach;
    }

    public int poll() {
        return poll;
    }

    public boolean online() {
        return online;
    }


    /** The samples kept, oldest first. */
    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    public Optional<Sample> lastSample() {
        return Optional.ofNullable(samples.peekLast());
    }

    /** The clock filter's pick: the kept sample with the least delay (RFC 5905 section 10). */
    public Optional<Sample> bestSample() {
        return samples.stream().min(java.util.Comparator.comparingDouble(Sample::delay));
    }

    public long lastRxUnixNanos() {
        return lastRxNanos;
    }

    /** The NTS state, or {@code null} for a source without {@code nts}. */
    public NtsAssociation nts() {
        return nts;
    }

    /** The symmetric key, or {@code null}. */
    public SymmetricKey key() {
        return key;
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public String toString() {
        return "NtpSource[" + directive.toLine() + ", " + reach + "]";
    }

    /** Retry timing after a failed NTS-KE when no cookie is left to poll with. */
    static final class NtsAssociationRetry {
        static long delayMillis(int failures) {
            return 1000L * Math.min(NtsAssociation.MAX_BACKOFF_SECONDS,
                    NtsAssociation.MIN_BACKOFF_SECONDS << Math.min(20, Math.max(0, failures - 1)));
        }
    }
}
