package dev.ntsfarm.control;

import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.config.SourceDirective;
import io.vertx.core.Future;
import java.util.List;

/**
 * What the clock agent's control endpoint ({@code ntsfarm.control.v1.ClockAgent}) serves, as plain
 * values: the reports chronyc prints and the operations it runs. The application adapts the agent
 * to it; the endpoint adds the transport, the access checks and the authentication. Reports are
 * read from memory and may be called from any thread. An operation that cannot do what was asked
 * fails its future with {@link ControlException} (its message is shown to the user).
 */
public interface ClockAgentControl {

    /** chronyc {@code tracking}. */
    Tracking tracking();

    /** chronyc {@code sources}, one row per source in the order they were configured. */
    List<SourceRow<SourceReport>> sources();

    /** chronyc {@code sourcestats}. */
    List<SourceRow<SourceStatsReport>> sourceStats();

    /** chronyc {@code authdata}. */
    List<SourceRow<AuthDataReport>> authData();

    /** chronyc {@code activity}. */
    ActivityReport activity();

    /** chronyc {@code makestep}: step away whatever correction is still being slewed. */
    Future<Void> makeStep();

    /**
     * chronyc {@code burst}: a burst of polls on the sources whose address or name is {@code
     * selector} (empty: every source).
     *
     * @return how many sources were selected; 0 when none matched
     */
    int burst(String selector);

    /**
     * chronyc {@code online} and {@code offline}, selected as {@link #burst}; how many were
     * selected.
     */
    int setOnline(String selector, boolean online);

    /** chronyc {@code add server|pool|peer ...}: one source directive, as in the configuration. */
    Future<Void> addSource(SourceDirective directive);

    /** chronyc {@code delete ADDRESS}; true when a source was removed. */
    Future<Boolean> deleteSource(String address);

    /** How many sources there are now (bounds {@code add}). */
    default int sourceCount() {
        return sources().size();
    }
}
