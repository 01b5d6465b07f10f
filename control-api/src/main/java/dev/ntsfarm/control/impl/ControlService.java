package dev.ntsfarm.control.impl;

import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.ntsfarm.control.ControlException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.List;

/**
 * One gRPC service of a control endpoint, built from its {@link Rpc}s. Every call reaches its
 * method only through the {@link CallGate}, which sees the raw request bytes (the authenticator
 * covers them); a refusal or failure leaves as a gRPC status with a message, never as a reply. The
 * service's descriptor is the generated one, so reflection lists it as the .proto defines it.
 */
public final class ControlService implements Service {

    private final ServiceName name;
    private final Descriptors.ServiceDescriptor descriptor;
    private final List<Rpc<?, ?>> rpcs;
    private final CallGate gate;

    public ControlService(
            ServiceName name,
            Descriptors.ServiceDescriptor descriptor,
            List<Rpc<?, ?>> rpcs,
            CallGate gate) {
        this.name = name;
        this.descriptor = descriptor;
        this.rpcs = List.copyOf(rpcs);
        this.gate = gate;
        for (Rpc<?, ?> r : rpcs) {
            if (descriptor.findMethodByName(r.method()) == null) {
                throw new IllegalArgumentException(name + " has no method " + r.method());
            }
        }
    }

    @Override
    public ServiceName name() {
        return name;
    }

    @Override
    public Descriptors.ServiceDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public void bind(GrpcServer server) {
        for (Rpc<?, ?> r : rpcs) {
            bindOne(server, r);
        }
    }

    private <Req extends Message, Resp extends Message> void bindOne(
            GrpcServer server, Rpc<Req, Resp> rpc) {
        ServiceMethod<Buffer, Resp> method =
                ServiceMethod.server(
                        name,
                        rpc.method(),
                        GrpcMessageEncoder.encoder(),
                        GrpcMessageDecoder.IDENTITY);
        server.callHandler(method, request -> handle(rpc, request));
    }

    private <Req extends Message, Resp extends Message> void handle(
            Rpc<Req, Resp> rpc, GrpcServerRequest<Buffer, Resp> request) {
        Promise<Void> gone = Promise.promise();
        request.exceptionHandler(e -> gone.tryComplete());
        request.response().exceptionHandler(e -> gone.tryComplete());
        request.connection().closeHandler(v -> gone.tryComplete());
        request.last()
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                gone.tryComplete();
                                return;
                            }
                            byte[] raw = ar.result().getBytes();
                            CallGate.Verdict verdict = gate.admit(request, rpc.access(), raw);
                            if (verdict instanceof CallGate.Verdict.Refused refused) {
                                request.response()
                                        .status(refused.status())
                                        .statusMessage(refused.message())
                                        .end();
                                return;
                            }
                            String peer = ((CallGate.Verdict.Admitted) verdict).peer();
                            Req parsed;
                            try {
                                parsed = rpc.parser().parseFrom(raw);
                            } catch (InvalidProtocolBufferException e) {
                                request.response()
                                        .status(GrpcStatus.INVALID_ARGUMENT)
                                        .statusMessage("malformed " + rpc.method() + " request")
                                        .end();
                                return;
                            }
                            Future<Resp> reply;
                            try {
                                reply =
                                        rpc.call()
                                                .apply(
                                                        parsed,
                                                        new CallContext(peer, gone.future()));
                            } catch (ControlException e) {
                                reply = Future.failedFuture(e);
                            }
                            reply.onComplete(
                                    r -> {
                                        if (gone.future().isComplete()
                                                && request.response() == null) {
                                            return;
                                        }
                                        if (r.succeeded()) {
                                            request.response().end(r.result());
                                        } else {
                                            Throwable e = r.cause();
                                            request.response()
                                                    .status(status(e))
                                                    .statusMessage(message(e))
                                                    .end();
                                        }
                                    });
                        });
    }

    static GrpcStatus status(Throwable e) {
        if (e instanceof ControlException c) {
            return switch (c.reason()) {
                case INVALID -> GrpcStatus.INVALID_ARGUMENT;
                case NOT_FOUND -> GrpcStatus.NOT_FOUND;
                case REFUSED -> GrpcStatus.FAILED_PRECONDITION;
                case LIMIT -> GrpcStatus.RESOURCE_EXHAUSTED;
                case UNSUPPORTED -> GrpcStatus.UNIMPLEMENTED;
            };
        }
        return GrpcStatus.INTERNAL;
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : e.getClass().getSimpleName();
    }
}
