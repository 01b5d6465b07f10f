package dev.ntsfarm.app.control;

import dev.ntsfarm.control.ClientReport;
import dev.ntsfarm.control.ControlException;
import dev.ntsfarm.control.FarmControl;
import dev.ntsfarm.control.FarmMember;
import dev.ntsfarm.control.FarmStats;
import dev.ntsfarm.control.KeysReport;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.FarmKeys;
import dev.ntsfarm.farm.keys.KeyRingStatus;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The farm's services as the control plane sees them: counters, the cluster's board, the key ring.
 */
public final class FarmControlAdapter implements FarmControl {

    private final ServerStats stats;
    private final FarmBoard board;
    private final FarmKeys keys;
    private final Supplier<List<ClientReport>> clients;

    /**
     * @param board the cluster's board, null for a process on its own
     * @param keys the key ring, null for a process without one
     * @param clients the responder's per-client records (NTP columns), empty without a responder
     */
    public FarmControlAdapter(
            ServerStats stats,
            FarmBoard board,
            FarmKeys keys,
            Supplier<List<ClientReport>> clients) {
        this.stats = stats;
        this.board = board;
        this.keys = keys;
        this.clients = clients;
    }

    @Override
    public List<ClientReport> clients() {
        return clients.get();
    }

    @Override
    public Map<ServerCounter, Long> serverStats() {
        return stats.snapshot();
    }

    @Override
    public void countCommand(boolean refused) {
        // as chronyd counts its command packets: every one received, and the refused ones again as
        // dropped
        stats.increment(ServerCounter.COMMAND_PACKETS_RECEIVED);
        if (refused) {
            stats.increment(ServerCounter.COMMAND_PACKETS_DROPPED);
        }
    }

    @Override
    public FarmStats farmStats() {
        return board != null ? board.farmStats() : FarmControl.super.farmStats();
    }

    @Override
    public List<FarmMember> members() {
        return board != null ? board.members() : FarmControl.super.members();
    }

    @Override
    public KeysReport keys() {
        if (keys == null) {
            return FarmControl.super.keys();
        }
        KeyRingStatus s = keys.status();
        long now = System.currentTimeMillis() / 1000;
        List<KeysReport.Slot> slots = new ArrayList<>();
        for (long slot : s.slots()) {
            // slots are numbered by time (floor(unix / ntsrotate)), so a slot's start gives its age
            long age = s.rotateSeconds() > 0 ? now - slot * s.rotateSeconds() : 0;
            slots.add(new KeysReport.Slot(slot, age, slot == s.currentSlot()));
        }
        return new KeysReport(slots, s.damagedEntriesIgnored());
    }

    @Override
    public Future<Long> rekey() {
        if (keys == null || keys.role() != FarmKeys.Role.MEMBER) {
            return FarmControl.super.rekey();
        }
        return keys.rekey()
                .recover(
                        e ->
                                Future.failedFuture(
                                        new ControlException(
                                                ControlException.Reason.REFUSED,
                                                "rekey failed: " + e.getMessage())));
    }
}
