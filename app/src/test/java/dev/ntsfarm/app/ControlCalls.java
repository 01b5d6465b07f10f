package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Message;
import dev.ntsfarm.control.CommandAuthenticator;
import dev.ntsfarm.control.ctl.Ntsctl;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.testsupport.Requirements;
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
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a caller of a control endpoint can do, for the security tests: run ntsctl (its exit status,
 * output and errors) and make a raw gRPC call with whatever headers, from whatever local address,
 * as a client that is not ntsctl could (a replayed or stale authenticator, another source address),
 * and ask with a generic gRPC client what an endpoint serves.
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
        int status =
                Ntsctl.run(
                        args,
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ctl(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** How a raw call ended. */
    record Status(GrpcStatus status, String message) {}

    /**
     * {@code service/method} with {@code request} to 127.0.0.1:{@code port} from {@code
     * localAddress}, {@code headers} added.
     */
    <R extends Message> Status call(
            String localAddress,
            int port,
            ServiceName service,
            String method,
            Message request,
            R replyPrototype,
            Map<String, String> headers)
            throws Exception {
        GrpcClient client =
                GrpcClient.client(
                        vertx,
                        new HttpClientOptions()
                                .setProtocolVersion(HttpVersion.HTTP_2)
                                .setHttp2ClearTextUpgrade(false)
                                .setLocalAddress(localAddress));
        try {
            ServiceMethod<R, Message> m =
                    ServiceMethod.client(
                            service,
                            method,
                            GrpcMessageEncoder.encoder(),
                            GrpcMessageDecoder.decoder(replyPrototype));
            GrpcClientResponse<Message, R> response =
                    client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"), m)
                            .compose(
                                    req -> {
                                        headers.forEach(req.headers()::set);
                                        return req.send(request);
                                    })
                            .compose(
                                    resp ->
                                            resp.end()
                                                    .transform(ar -> Future.succeededFuture(resp)))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
            return new Status(response.status(), response.statusMessage());
        } finally {
            client.close();
        }
    }

    /**
     * The headers that authenticate one call of {@code service/method} with {@code request}, made
     * at {@code millis}.
     */
    static Map<String, String> authenticator(
            SymmetricKey key, ServiceName service, String method, Message request, long millis) {
        return CommandAuthenticator.headers(
                key,
                true,
                service.fullyQualifiedName() + "/" + method,
                request.toByteArray(),
                millis,
                new SecureRandom());
    }

    static final Path PYTHON = Path.of("/usr/bin/python3");

    /**
     * A generic gRPC client that knows nothing of ntsfarm (Python's grpcio from Debian speaking raw
     * bytes, {@code grpc/probe.py}) against {@code target} ({@code 127.0.0.1:PORT}, {@code
     * [::1]:PORT} or {@code unix:PATH}): the services reflection lists ({@code service NAME}) and
     * health's answer for the server and each ({@code health NAME STATUS}). grpcio must be there
     * (./ntsfarm setup installs python3-grpcio): fails under CI, skips elsewhere.
     */
    static String probe(Path dir, String target) throws Exception {
        Requirements.program(PYTHON, "python3");
        Process check =
                new ProcessBuilder(PYTHON.toString(), "-c", "import grpc")
                        .redirectErrorStream(true)
                        .start();
        boolean ok = check.waitFor(20, TimeUnit.SECONDS) && check.exitValue() == 0;
        if (!ok && Requirements.underCi()) {
            fail("python3-grpcio is missing: ./ntsfarm setup installs it");
        }
        assumeTrue(ok, "python3-grpcio is not installed (./ntsfarm setup installs it)");
        Path script = dir.resolve("probe.py");
        try (InputStream in = ControlCalls.class.getResourceAsStream("/grpc/probe.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p =
                new ProcessBuilder(PYTHON.toString(), script.toString(), target)
                        .redirectErrorStream(true)
                        .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    /** The probe's lines starting with {@code prefix}, sorted. */
    static List<String> lines(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).sorted().toList();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
