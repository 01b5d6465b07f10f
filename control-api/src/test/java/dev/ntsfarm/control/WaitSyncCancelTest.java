package dev.ntsfarm.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.control.ControlSecurityTest.AgentState;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncReply;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncRequest;
import dev.ntsfarm.proto.control.v1.ClockAgentGrpcService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** waitsync on the server stops checking as soon as its caller is gone (deadline passed, connection closed). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WaitSyncCancelTest {

    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger checks = new AtomicInteger();
    private ControlEndpoint endpoint;

    @AfterEach
    void stop() throws Exception {
        if (endpoint != null) {
            endpoint.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theChecksStopWhenTheCallerGoesAway() throws Exception {
        AgentState agent = new AgentState() {
            @Override
            public Tracking tracking() {
                checks.incrementAndGet();
                return super.tracking();
            }
        };
        endpoint = ControlEndpoint.agent(vertx, ControlOptions.loopback(0), agent, agent, line -> { });
        endpoint.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        ServiceMethod<AgentWaitSyncReply, AgentWaitSyncRequest> m = ServiceMethod.client(
                ClockAgentGrpcService.SERVICE_NAME, "WaitSync", GrpcMessageEncoder.encoder(),
                GrpcMessageDecoder.decoder(AgentWaitSyncReply.getDefaultInstance()));
        // never synchronised: 1000 tries 0.1 s apart would take 100 s; the caller gives up after 0.5 s
        var request = AgentWaitSyncRequest.newBuilder().setMaxTries(1000).setInterval(0.1).build();
        Throwable failed = client.request(SocketAddress.inetSocketAddress(endpoint.actualPort(), "127.0.0.1"), m)
                .compose(req -> req.timeout(500, TimeUnit.MILLISECONDS).send(request))
                .compose(resp -> resp.last()).transform(ar -> Future.succeededFuture(ar.cause()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(failed != null, "waitsync answered although never synchronised");
        client.close();
        int atCancel = checks.get();
        assertTrue(atCancel >= 2 && atCancel <= 10, "checks while the caller waited: " + atCancel);
        // ten intervals later, still no further check: the server's timer went with the caller
        Promise<Integer> later = Promise.promise();
        vertx.setTimer(1000, id -> later.complete(checks.get()));
        int after = later.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(after <= atCancel + 1, "the server went on checking for nobody: " + atCancel + " -> " + after);
    }
}
