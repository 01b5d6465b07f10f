package dev.ntsfarm.control.impl;

import dev.ntsfarm.control.FarmControl;
import dev.ntsfarm.control.wire.FarmMessages;
import dev.ntsfarm.proto.control.v1.ClientsRequest;
import dev.ntsfarm.proto.control.v1.FarmControlGrpcService;
import dev.ntsfarm.proto.control.v1.KeysRequest;
import dev.ntsfarm.proto.control.v1.MembersRequest;
import dev.ntsfarm.proto.control.v1.RekeyReply;
import dev.ntsfarm.proto.control.v1.RekeyRequest;
import dev.ntsfarm.proto.control.v1.ServerStatsRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;

/** The methods of {@code ntsfarm.control.v1.FarmControl} over a {@link FarmControl}. */
public final class FarmControlRpcs {

    private FarmControlRpcs() {}

    public static ControlService service(Vertx vertx, FarmControl farm, CommandGate gate) {
        List<Rpc<?, ?>> rpcs =
                List.of(
                        Rpc.readOnly(
                                "ServerStats",
                                ServerStatsRequest.parser(),
                                (r, c) ->
                                        Future.succeededFuture(
                                                FarmMessages.toReply(farm.serverStats()))),
                        // the cluster's tables are read off the event loop: Hazelcast may wait on
                        // the network
                        Rpc.readOnly(
                                "FarmServerStats",
                                ServerStatsRequest.parser(),
                                (r, c) ->
                                        blocking(
                                                vertx,
                                                () -> FarmMessages.toWire(farm.farmStats()))),
                        Rpc.readOnly(
                                "Members",
                                MembersRequest.parser(),
                                (r, c) ->
                                        blocking(
                                                vertx,
                                                () -> FarmMessages.membersToWire(farm.members()))),
                        Rpc.readOnly(
                                "Keys",
                                KeysRequest.parser(),
                                (r, c) -> blocking(vertx, () -> FarmMessages.toWire(farm.keys()))),
                        Rpc.operational(
                                "Rekey",
                                RekeyRequest.parser(),
                                (r, c) ->
                                        farm.rekey()
                                                .map(
                                                        slot ->
                                                                RekeyReply.newBuilder()
                                                                        .setCurrentSlot(
                                                                                slot.intValue())
                                                                        .build())),
                        Rpc.readOnly(
                                "Clients",
                                ClientsRequest.parser(),
                                (r, c) ->
                                        Future.succeededFuture(
                                                FarmMessages.clientsToWire(
                                                        gate.clients(farm.clients())))));
        return new ControlService(
                FarmControlGrpcService.SERVICE_NAME,
                FarmControlGrpcService.SERVICE_DESCRIPTOR,
                rpcs,
                gate);
    }

    private static <T> Future<T> blocking(Vertx vertx, Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }
}
