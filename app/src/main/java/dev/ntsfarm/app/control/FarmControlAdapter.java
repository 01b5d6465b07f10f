package dev.ntsfarm.app.control;

import dev.ntsfarm.control.FarmControl;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import java.util.Map;

/** The farm's services as the control plane sees them. */
public final class FarmControlAdapter implements FarmControl {

    private final ServerStats stats;

    public FarmControlAdapter(ServerStats stats) {
        this.stats = stats;
    }

    @Override
    public Map<ServerCounter, Long> serverStats() {
        return stats.snapshot();
    }

    @Override
    public void countCommand(boolean refused) {
        // as chronyd counts its command packets: every one received, and the refused ones again as dropped
        stats.increment(ServerCounter.COMMAND_PACKETS_RECEIVED);
        if (refused) {
            stats.increment(ServerCounter.COMMAND_PACKETS_DROPPED);
        }
    }
}
