package dev.ntsfarm.control.impl;

import dev.ntsfarm.control.ClockSyncFeed;
import dev.ntsfarm.control.wire.AgentMessages;
import dev.ntsfarm.proto.control.v1.AgentSyncStateRequest;
import dev.ntsfarm.proto.control.v1.ClockSyncStateGrpcService;
import io.vertx.core.Future;
import java.util.List;

/** {@code ntsfarm.control.v1.ClockSyncState}: the read-only feed of the host's NTP responder. */
public final class SyncStateRpcs {

    private SyncStateRpcs() {}

    public static ControlService service(ClockSyncFeed feed, CallGate gate) {
        return new ControlService(
                ClockSyncStateGrpcService.SERVICE_NAME,
                ClockSyncStateGrpcService.SERVICE_DESCRIPTOR,
                List.of(
                        Rpc.readOnly(
                                "SyncState",
                                AgentSyncStateRequest.parser(),
                                (r, c) ->
                                        Future.succeededFuture(
                                                AgentMessages.toWire(feed.syncState())))),
                gate);
    }
}
