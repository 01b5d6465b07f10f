package dev.ntsfarm.app;

import com.google.protobuf.Message;
import dev.ntsfarm.control.CommandAuthenticator;
import dev.ntsfarm.control.ctl.Ntsctl;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a caller of a control endpoint can do, for the security tests: run ntsctl (its exit status,
 * output and errors) and make a raw gRPC call with whatever headers, from whatever local address,
 * as a client that is not ntsctl could (a replayed or stale authenticator, another source address).
 */
final class ControlCalls implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();

    /** One ntsctl run. */
    record Ctl(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n" + out + err;
        }
    }

    /** ntsctl with {@code args}, its commands at the prompt read from {@code stdin}. */
    static Ctl ntsctl(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Ntsctl.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ctl(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** How a raw call ended. */
    record Status(GrpcStatus status, String message) {
    }

    /**
     * {@code service/method} with {@code request} to 127.0.0.1:{@code port} from {@code localAddress},
     * {@code headers} added.
     */
    <R extends Message> Status call(String localAddress, int port, ServiceName service, String method,
                                    Message request, R replyPrototype, Map<String, String> headers) throws Exception {
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setLocalAddress(localAddress));
        try {
            ServiceMethod<R, Message> m = ServiceMethod.client(service, method, GrpcMessageEncoder.encoder(),
                    GrpcMessageDecoder.decoder(replyPrototype));
            GrpcClientResponse<Message, R> response = client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"), m)
                    .compose(req -> {
                        headers.forEach(req.headers()::set);
                        return req.send(request);
                    }).compose(resp -> resp.end().transform(ar -> Future.succeededFuture(resp)))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new Status(response.status(), response.statusMessage());
        } finally {
            client.close();
        }
    }

    /** The headers that authenticate one call of {@code service/method} with {@code request}, made at {@code millis}. */
    static Map<String, String> authenticator(SymmetricKey key, ServiceName service, String method, Message request,
                                             long millis) {
        return CommandAuthenticator.headers(key, true, service.fullyQualifiedName() + "/" + method,
                request.toByteArray(), millis, new SecureRandom());
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
