package dev.ntsfarm.control.impl;

import dev.ntsfarm.control.ClientReport;
import dev.ntsfarm.control.CommandAuthenticator;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The seed's chronyc security over gRPC (DESIGN 6). Every call: the caller's address must be
 * allowed ({@code cmdallow}/{@code cmddeny}; 127.0.0.1 and ::1 always are unless denied; a Unix
 * socket caller is local). A read-only call is then served. An operational call is served when it
 * comes from root over the Unix socket, or carries a fresh, unseen authenticator made with the
 * command key; it is logged with its peer and method. Anything else is refused with a status saying
 * why, and nothing runs.
 */
public final class CommandGate implements CallGate {

    /** How far the authenticator's time may be from the server's clock. */
    public static final long MAX_SKEW_MILLIS = 60_000;

    /** Nonces remembered for replay detection; beyond this, calls wait for old ones to expire. */
    public static final int MAX_NONCES = 100_000;

    private final AccessTable access;
    private final Supplier<SymmetricKey> commandKey;
    private final Consumer<Boolean> count;
    private final Consumer<String> log;
    private final LongSupplier clock;
    private final CommandClients clients = new CommandClients();

    /**
     * nonce (hex) -> when its authenticator stops being fresh, in arrival order; guarded by itself
     * (calls come from several event loops).
     */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    CommandGate(
            List<AccessRule> rules,
            Supplier<SymmetricKey> commandKey,
            Consumer<Boolean> count,
            Consumer<String> log,
            LongSupplier clock) {
        List<AccessRule> all = new ArrayList<>();
        // chronyd allows its command port to localhost before reading cmdallow/cmddeny
        all.add(new AccessRule(true, false, InetAddress.ofLiteral("127.0.0.1"), 32));
        all.add(new AccessRule(true, false, InetAddress.ofLiteral("::1"), 128));
        all.addAll(rules);
        this.access = AccessTable.of(all);
        this.commandKey = commandKey;
        this.count = count;
        this.log = log;
        this.clock = clock;
    }

    /**
     * A gate for {@code options}; {@code commandKey} supplies the key once the endpoint has read it
     * (null: none configured).
     *
     * @param count told of every call: false when served, true when refused
     */
    static CommandGate create(
            ControlOptions options,
            Supplier<SymmetricKey> commandKey,
            Consumer<Boolean> count,
            Consumer<String> log) {
        return new CommandGate(options.access(), commandKey, count, log, System::currentTimeMillis);
    }

    @Override
    public Verdict admit(GrpcServerRequest<?, ?> request, Rpc.Access kind, byte[] requestBytes) {
        Verdict v = decide(request, kind, requestBytes);
        count.accept(v instanceof Verdict.Refused);
        SocketAddress remote = request.connection().remoteAddress();
        if (remote != null && !remote.isDomainSocket()) {
            InetAddress a = inet(remote.hostAddress());
            clients.record(
                    a != null ? a.getHostAddress() : remote.hostAddress(),
                    v instanceof Verdict.Refused,
                    clock.getAsLong());
        }
        if (v instanceof Verdict.Refused r) {
            log.accept(
                    "Refused "
                            + request.fullMethodName()
                            + " from "
                            + CallGate.peer(request)
                            + ": "
                            + r.message());
        } else if (kind == Rpc.Access.OPERATIONAL) {
            log.accept(
                    "Command "
                            + request.methodName()
                            + " accepted from "
                            + ((Verdict.Admitted) v).peer());
        }
        return v;
    }

    private Verdict decide(GrpcServerRequest<?, ?> request, Rpc.Access kind, byte[] requestBytes) {
        SocketAddress remote = request.connection().remoteAddress();
        String peer = CallGate.peer(request);
        Integer uid = null;
        if (remote != null && remote.isDomainSocket()) {
            uid = peerUid(request);
            peer = "unix socket (uid " + (uid == null ? "unknown" : uid) + ")";
        } else {
            InetAddress address = remote == null ? null : inet(remote.hostAddress());
            if (address == null || !access.allows(address)) {
                return new Verdict.Refused(
                        GrpcStatus.PERMISSION_DENIED,
                        "not allowed from this address ("
                                + (remote == null ? "unknown" : remote.hostAddress())
                                + " is not in cmdallow; the server's configuration decides who may connect)");
            }
        }
        if (kind == Rpc.Access.READ_ONLY) {
            return new Verdict.Admitted(peer);
        }
        if (uid != null && uid == 0) {
            // chrony 4: root on the Unix socket (whose directory only root may enter) needs no key
            return new Verdict.Admitted(peer);
        }
        return authenticate(request, peer, requestBytes);
    }

    private Verdict authenticate(
            GrpcServerRequest<?, ?> request, String peer, byte[] requestBytes) {
        MultiMap h = request.headers();
        return authenticate(request.fullMethodName(), h::get, peer, requestBytes);
    }

    /**
     * The authenticator check alone: {@code header} gives the call's headers by name (null when
     * absent), {@code fullMethod} is "package.Service/Method".
     */
    Verdict authenticate(
            String fullMethod, UnaryOperator<String> header, String peer, byte[] requestBytes) {
        String keyId = header.apply(CommandAuthenticator.HEADER_KEY);
        String time = header.apply(CommandAuthenticator.HEADER_TIME);
        String nonceHex = header.apply(CommandAuthenticator.HEADER_NONCE);
        String macHex = header.apply(CommandAuthenticator.HEADER_MAC);
        String command = fullMethod.substring(fullMethod.lastIndexOf('/') + 1);
        if (time == null || nonceHex == null || macHex == null) {
            return new Verdict.Refused(
                    GrpcStatus.UNAUTHENTICATED,
                    "authentication required: "
                            + command
                            + " is an operational command; run ntsctl -a (it reads the command key from the key file"
                            + " of the configuration, -f FILE) or authhash and password first");
        }
        SymmetricKey key = commandKey.get();
        if (key == null) {
            return new Verdict.Refused(
                    GrpcStatus.UNAUTHENTICATED,
                    "authentication required, but this server has"
                            + " no command key (configure keyfile FILE and commandkey N, or call as root on the Unix socket)");
        }
        long id;
        long millis;
        byte[] nonce;
        byte[] mac;
        try {
            id = keyId == null ? key.id() : Long.parseLong(keyId);
            millis = Long.parseLong(time);
            nonce = HexFormat.of().parseHex(nonceHex);
            mac = HexFormat.of().parseHex(macHex);
        } catch (IllegalArgumentException e) {
            return bad("malformed authenticator headers");
        }
        if (id != key.id()) {
            return bad("key " + id + " is not the command key");
        }
        if (nonce.length != CommandAuthenticator.NONCE_LENGTH) {
            return bad("the nonce must be " + CommandAuthenticator.NONCE_LENGTH + " bytes");
        }
        long now = clock.getAsLong();
        if (Math.abs(now - millis) > MAX_SKEW_MILLIS) {
            return bad(
                    "its time is "
                            + Math.abs(now - millis) / 1000
                            + " s from the server's clock, more than "
                            + MAX_SKEW_MILLIS / 1000
                            + " s");
        }
        byte[] expected = CommandAuthenticator.mac(key, fullMethod, millis, nonce, requestBytes);
        if (!MessageDigest.isEqual(expected, mac)) {
            return bad("it was not made with the command key (wrong key or password?)");
        }
        // the nonce's bytes, not its spelling: hex in another case is the same nonce
        String seenAs = HexFormat.of().formatHex(nonce);
        synchronized (seen) {
            expire(now);
            if (seen.containsKey(seenAs)) {
                return bad("replayed: this authenticator was used before");
            }
            if (seen.size() >= MAX_NONCES) {
                return new Verdict.Refused(
                        GrpcStatus.RESOURCE_EXHAUSTED,
                        "too many operational calls in the last "
                                + MAX_SKEW_MILLIS / 1000
                                + " s; try again later");
            }
            seen.put(seenAs, millis + MAX_SKEW_MILLIS);
        }
        return new Verdict.Admitted(peer);
    }

    /**
     * Forgets nonces whose authenticators the freshness check refuses by now, oldest arrival first,
     * stopping at the first still fresh: constant time a call, and never forgotten too early (one
     * with a time ahead may keep those behind it a little longer; the table stays bounded).
     */
    private void expire(long now) {
        var it = seen.values().iterator();
        while (it.hasNext() && it.next() < now) {
            it.remove();
        }
    }

    /**
     * chronyc's clients: the responder's rows with the command columns of the callers seen here.
     */
    List<ClientReport> clients(List<ClientReport> ntp) {
        return clients.merge(ntp, clock.getAsLong());
    }

    private static Verdict bad(String why) {
        return new Verdict.Refused(GrpcStatus.UNAUTHENTICATED, "bad authenticator: " + why);
    }

    private static InetAddress inet(String literal) {
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    /**
     * The uid of the process at the other end of a Unix socket (SO_PEERCRED), null when unknown.
     */
    static Integer peerUid(GrpcServerRequest<?, ?> request) {
        if (request.connection() instanceof ConnectionBase c) {
            Channel ch = c.channel();
            for (Channel x = ch; x != null; x = x.parent()) {
                if (x instanceof EpollDomainSocketChannel d) {
                    try {
                        return d.peerCredentials().uid();
                    } catch (IOException | RuntimeException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }
}
