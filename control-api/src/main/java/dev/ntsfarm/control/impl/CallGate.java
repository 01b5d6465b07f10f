package dev.ntsfarm.control.impl;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;

/**
 * Decides, before a method runs, whether a call is served: the caller's address against {@code
 * cmdallow}/{@code cmddeny}, and for an operational method the command key's authenticator (or root
 * on the Unix socket). Sees the raw request bytes, which the authenticator covers.
 */
@FunctionalInterface
public interface CallGate {

    Verdict admit(GrpcServerRequest<?, ?> request, Rpc.Access access, byte[] requestBytes);

    /** Served, or refused with a status and a message saying why. */
    sealed interface Verdict {
        /**
         * @param peer the caller as the log names it
         */
        record Admitted(String peer) implements Verdict {}

        record Refused(GrpcStatus status, String message) implements Verdict {}
    }

    /** The caller's address as text, "host:port". */
    static String peer(GrpcServerRequest<?, ?> request) {
        var a = request.connection().remoteAddress();
        if (a == null) {
            return "unknown";
        }
        if (a.isDomainSocket()) {
            return "unix socket " + a.path();
        }
        String host = a.hostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.port();
    }
}
