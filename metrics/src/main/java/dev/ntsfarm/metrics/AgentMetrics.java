package dev.ntsfarm.metrics;

import dev.ntsfarm.control.ClockAgentControl;
import dev.ntsfarm.control.SourceRow;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.Tracking;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The clock agent's families, named as ntpd-rs's exporter names them ({@code ntp_system_*}, {@code
 * ntp_source_*}), with the status page's offset and frequency plots. Every value is read when
 * scraped or sampled through {@link ClockAgentControl}, the interface {@code ntsctl tracking} and
 * {@code sources} read, so the metrics and the command line can never tell two stories. Signs are
 * chronyc's: a positive system offset means the clock is slow of NTP time.
 */
public final class AgentMetrics {

    private AgentMetrics() {}

    public static void register(ProcessMetrics m, ClockAgentControl agent) {
        system(
                m,
                "ntp_system_offset_seconds",
                "Offset of the system clock still being corrected (chronyc tracking: System time)",
                agent,
                Tracking::systemTime);
        system(
                m,
                "ntp_system_last_offset_seconds",
                "Offset measured at the last clock update",
                agent,
                Tracking::lastOffset);
        system(
                m,
                "ntp_system_frequency_ppm",
                "Frequency error of the system clock the agent corrects, ppm (positive: fast)",
                agent,
                Tracking::frequencyPpm);
        system(
                m,
                "ntp_system_skew_ppm",
                "Error bound of the frequency, ppm",
                agent,
                Tracking::skewPpm);
        system(
                m,
                "ntp_system_root_delay_seconds",
                "Root delay to the primary reference",
                agent,
                Tracking::rootDelay);
        system(
                m,
                "ntp_system_root_dispersion_seconds",
                "Root dispersion",
                agent,
                Tracking::rootDispersion);
        system(
                m,
                "ntp_system_stratum",
                "Stratum of the system clock; 0 when unsynchronised",
                agent,
                Tracking::stratum);
        source(
                m,
                "ntp_source_reach",
                "Reach register of the source (377 octal = 255: the last eight polls answered)",
                agent,
                r -> r.reach().bits());
        source(
                m,
                "ntp_source_offset_seconds",
                "Last sample's offset of the source (positive: the local clock is ahead)",
                agent,
                SourceReport::lastSample);
        source(m, "ntp_source_stratum", "Stratum of the source", agent, SourceReport::stratum);
        source(
                m,
                "ntp_source_poll_log2_seconds",
                "Poll interval of the source, log2 seconds",
                agent,
                SourceReport::poll);

        m.history()
                .track("agent_offset", () -> agent.tracking().systemTime())
                .track("agent_last_offset", () -> agent.tracking().lastOffset())
                .track("agent_frequency", () -> agent.tracking().frequencyPpm());
        m.page()
                .count("Stratum", () -> agent.tracking().stratum())
                .count("Sources", agent::sourceCount)
                .plot(
                        new Plot(
                                "agent-offset",
                                "Clock offset",
                                "µs",
                                List.of(
                                        new Plot.Line.Value("system time", "agent_offset", 1e6),
                                        new Plot.Line.Value(
                                                "last offset", "agent_last_offset", 1e6))))
                .plot(
                        new Plot(
                                "agent-frequency",
                                "Clock frequency",
                                "ppm",
                                List.of(new Plot.Line.Value("frequency", "agent_frequency", 1.0))));
    }

    private static void system(
            ProcessMetrics m,
            String name,
            String help,
            ClockAgentControl agent,
            ToDoubleFunction<Tracking> field) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call(field.applyAsDouble(agent.tracking())))
                .register(m.registry());
    }

    private static void source(
            ProcessMetrics m,
            String name,
            String help,
            ClockAgentControl agent,
            ToDoubleFunction<SourceReport> field) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("address", "name")
                .callback(
                        cb -> {
                            for (SourceRow<SourceReport> row : agent.sources()) {
                                cb.call(
                                        field.applyAsDouble(row.report()),
                                        row.address(),
                                        row.name());
                            }
                        })
                .register(m.registry());
    }
}
