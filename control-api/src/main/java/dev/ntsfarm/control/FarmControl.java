package dev.ntsfarm.control;

import dev.ntsfarm.core.stats.ServerCounter;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * What the farm control endpoint ({@code ntsfarm.control.v1.FarmControl}) serves, as plain values.
 * The application adapts the process's services to it (counters, the cluster, the key ring, the
 * responder's client table). A part this process does not run answers {@link
 * ControlException.Reason#UNSUPPORTED} with a message saying where to ask instead.
 */
public interface FarmControl {

    /** This process's counters (chronyc {@code serverstats}). */
    Map<ServerCounter, Long> serverStats();

    /**
     * Counts one control call received (chronyd's "Command packets received") or refused
     * ("dropped").
     */
    void countCommand(boolean refused);

    /**
     * Every process's counters as last published in the cluster, this one's fresh; a process on its
     * own is a farm of one.
     */
    default FarmStats farmStats() {
        return new FarmStats(
                List.of(new FarmStats.MemberStats("this process", true, 0, serverStats())), 0);
    }

    /** The farm's processes. */
    default List<FarmMember> members() {
        throw new ControlException(
                ControlException.Reason.UNSUPPORTED, "this process is not part of a farm");
    }

    /** The master key slots as this process holds them; never key material. */
    default KeysReport keys() {
        throw new ControlException(
                ControlException.Reason.UNSUPPORTED, "this process holds no master keys");
    }

    /** A new current slot now; completes with its number. */
    default Future<Long> rekey() {
        return Future.failedFuture(
                new ControlException(
                        ControlException.Reason.UNSUPPORTED,
                        "this process holds no master keys (rekey on an nts-ke member or ./ntsfarm up)"));
    }

    /**
     * The responder's per-client records (chronyc {@code clients}), NTP columns only: the endpoint
     * adds the command columns from the calls it served. Empty for a process without a responder.
     */
    default List<ClientReport> clients() {
        return List.of();
    }
}
