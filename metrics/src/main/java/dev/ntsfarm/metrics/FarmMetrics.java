package dev.ntsfarm.metrics;

import dev.ntsfarm.core.ntp.DropReason;
import dev.ntsfarm.core.ntp.NakReason;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The farm's families (DESIGN section 9): every {@code serverstats} counter, the NTS-KE session
 * histogram, the key ring and the cluster, registered on a process's {@link ProcessMetrics} with
 * the status page's series and plots that go with them. Every value is read from the service's own
 * counters when scraped or sampled.
 */
public final class FarmMetrics {

    /**
     * Buckets of {@code nts_ke_session_seconds}: a loopback session takes about a millisecond, the
     * timeout is 2 s.
     */
    static final double[] SESSION_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5
    };

    /** The key ring as a process holds it, read without any network call. */
    public interface KeyRingView {
        /** The slot cookies are minted under (the cookie's key id). */
        long currentSlot();

        /** Seconds since the current slot began. */
        double currentSlotAgeSeconds();

        /** Slots whose keys the ring holds. */
        int slotsHeld();
    }

    /**
     * What one process has to show.
     *
     * @param stats the counters every service of the process shares (never null)
     * @param openKeSessions NTS-KE sessions open now; null without an NTS-KE service
     * @param keyRing the key ring; null where the process holds none
     * @param damaged cluster entries ignored as damaged or forged; null until the key store counts
     *     them
     * @param members members of the farm's cluster; null without a cluster
     */
    public record Sources(
            ServerStats stats,
            IntSupplier openKeSessions,
            KeyRingView keyRing,
            LongSupplier damaged,
            IntSupplier members) {
        public Sources {
            Objects.requireNonNull(stats, "stats");
        }
    }

    private FarmMetrics() {}

    /** The family name of a {@code serverstats} counter. */
    public static String familyName(ServerCounter c) {
        return switch (c) {
            case NTP_PACKETS_RECEIVED -> "ntp_server_received_packets_total";
            case NTP_PACKETS_DROPPED -> "ntp_server_dropped_packets_total";
            case COMMAND_PACKETS_RECEIVED -> "ntp_server_command_received_packets_total";
            case COMMAND_PACKETS_DROPPED -> "ntp_server_command_dropped_packets_total";
            case CLIENT_LOG_RECORDS_DROPPED -> "ntp_server_client_log_records_dropped_total";
            case NTS_KE_CONNECTIONS_ACCEPTED -> "nts_ke_accepted_connections_total";
            case NTS_KE_CONNECTIONS_DROPPED -> "nts_ke_dropped_connections_total";
            case AUTHENTICATED_NTP_PACKETS -> "ntp_server_authenticated_packets_total";
            case INTERLEAVED_NTP_PACKETS -> "ntp_server_interleaved_packets_total";
            case NTP_TIMESTAMPS_HELD -> "ntp_server_timestamps_held";
            case NTP_TIMESTAMP_SPAN -> "ntp_server_timestamp_span_seconds";
            case NTS_NAKS_SENT -> "ntp_server_nts_nak_packets_total";
            case KISS_RATE_SENT -> "ntp_server_rate_kod_packets_total";
            // a counter added later is still exported, under a name made from its own
            default -> "ntp_server_" + c.name().toLowerCase(Locale.ROOT) + "_total";
        };
    }

    /** Whether {@code c} is a running total (a counter family) rather than a level (a gauge). */
    public static boolean isCounter(ServerCounter c) {
        return familyName(c).endsWith("_total");
    }

    /**
     * Registers the farm's families, history series and plots.
     *
     * @return what the NTS-KE service calls with each session's length in nanoseconds
     */
    public static LongConsumer register(ProcessMetrics m, Sources src) {
        ServerStats stats = src.stats();
        for (ServerCounter c : ServerCounter.values()) {
            String name = familyName(c);
            String help = "chronyc serverstats: " + c.label();
            if (isCounter(c)) {
                CounterWithCallback.builder()
                        .name(name)
                        .help(help)
                        .callback(cb -> cb.call(stats.get(c)))
                        .register(m.registry());
            } else {
                GaugeWithCallback.builder()
                        .name(name)
                        .help(help)
                        .callback(cb -> cb.call(stats.get(c)))
                        .register(m.registry());
            }
        }
        CounterWithCallback.builder()
                .name("ntp_server_dropped_by_reason_packets_total")
                .help(
                        "NTP requests dropped without an answer, by reason (the responder's closed list)")
                .labelNames("reason")
                .callback(
                        cb -> {
                            for (DropReason r : DropReason.values()) {
                                cb.call(stats.dropped(r), r.name().toLowerCase(Locale.ROOT));
                            }
                        })
                .register(m.registry());
        CounterWithCallback.builder()
                .name("ntp_server_nts_nak_by_reason_packets_total")
                .help("NTS NAKs sent, by reason")
                .labelNames("reason")
                .callback(
                        cb -> {
                            for (NakReason r : NakReason.values()) {
                                cb.call(stats.naks(r), r.name().toLowerCase(Locale.ROOT));
                            }
                        })
                .register(m.registry());
        Histogram sessions =
                Histogram.builder()
                        .name("nts_ke_session_seconds")
                        .help(
                                "NTS-KE sessions from the TLS handshake's end to the connection's close")
                        .classicOnly()
                        .classicUpperBounds(SESSION_BUCKETS)
                        .register(m.registry());
        if (src.openKeSessions() != null) {
            IntSupplier open = src.openKeSessions();
            GaugeWithCallback.builder()
                    .name("nts_ke_open_sessions")
                    .help("NTS-KE sessions open now")
                    .callback(cb -> cb.call(open.getAsInt()))
                    .register(m.registry());
        }
        if (src.keyRing() != null) {
            KeyRingView ring = src.keyRing();
            GaugeWithCallback.builder()
                    .name("nts_key_ring_current_slot")
                    .help("The master key slot new cookies are sealed under (the cookies' key id)")
                    .callback(cb -> cb.call(ring.currentSlot()))
                    .register(m.registry());
            GaugeWithCallback.builder()
                    .name("nts_key_ring_current_slot_age_seconds")
                    .help("Seconds since the current master key slot began")
                    .callback(cb -> cb.call(ring.currentSlotAgeSeconds()))
                    .register(m.registry());
            GaugeWithCallback.builder()
                    .name("nts_key_ring_slots")
                    .help("Master key slots the ring holds (current, next and past)")
                    .callback(cb -> cb.call(ring.slotsHeld()))
                    .register(m.registry());
        }
        if (src.damaged() != null) {
            LongSupplier damaged = src.damaged();
            CounterWithCallback.builder()
                    .name("nts_key_ring_damaged_entries_total")
                    .help(
                            "Cluster entries ignored because they failed their MAC, type, length or range check")
                    .callback(cb -> cb.call(damaged.getAsLong()))
                    .register(m.registry());
        }
        if (src.members() != null) {
            IntSupplier members = src.members();
            GaugeWithCallback.builder()
                    .name("ntsfarm_cluster_members")
                    .help("Members of the farm's cluster")
                    .callback(cb -> cb.call(members.getAsInt()))
                    .register(m.registry());
        }
        track(m, stats, sessions, src);
        return nanos -> sessions.observe(nanos / 1e9);
    }

    private static void track(
            ProcessMetrics m, ServerStats stats, Histogram sessions, Sources src) {
        History h = m.history();
        h.track("ntp_received", () -> stats.get(ServerCounter.NTP_PACKETS_RECEIVED))
                .track(
                        "ntp_authenticated",
                        () -> stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS))
                .track("ntp_dropped", () -> stats.get(ServerCounter.NTP_PACKETS_DROPPED))
                .track("nts_naks", () -> stats.get(ServerCounter.NTS_NAKS_SENT))
                .track("rate_kod", () -> stats.get(ServerCounter.KISS_RATE_SENT))
                .track("ke_accepted", () -> stats.get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED))
                .track("ke_dropped", () -> stats.get(ServerCounter.NTS_KE_CONNECTIONS_DROPPED))
                .track("ke_seconds_sum", sessions::getSum)
                .track("ke_seconds_count", sessions::getCount);
        StatusPage p = m.page();
        for (ServerCounter c : ServerCounter.values()) {
            p.count(c.label(), () -> stats.get(c));
        }
        if (src.members() != null) {
            p.count("Cluster members", src.members()::getAsInt);
        }
        if (src.keyRing() != null) {
            p.count("Current key slot", src.keyRing()::currentSlot);
            p.count("Key slots held", src.keyRing()::slotsHeld);
        }
        p.plot(
                        new Plot(
                                "ntp-requests",
                                "NTP requests",
                                "/s",
                                List.of(
                                        new Plot.Line.Rate("received", "ntp_received"),
                                        new Plot.Line.Rate(
                                                "NTS authenticated", "ntp_authenticated"),
                                        new Plot.Line.Rate("dropped", "ntp_dropped"))))
                .plot(
                        new Plot(
                                "nts-share",
                                "NTS share of requests",
                                "%",
                                List.of(
                                        new Plot.Line.Share(
                                                "NTS", "ntp_authenticated", "ntp_received"))))
                .plot(
                        new Plot(
                                "naks",
                                "NTS NAKs and rate kiss-o'-death",
                                "/s",
                                List.of(
                                        new Plot.Line.Rate("NTS NAKs", "nts_naks"),
                                        new Plot.Line.Rate("RATE KoD", "rate_kod"))))
                .plot(
                        new Plot(
                                "ke-sessions",
                                "NTS-KE sessions",
                                "/s",
                                List.of(
                                        new Plot.Line.Rate("accepted", "ke_accepted"),
                                        new Plot.Line.Rate("dropped", "ke_dropped"))))
                .plot(
                        new Plot(
                                "ke-latency",
                                "NTS-KE session time (mean)",
                                "ms",
                                List.of(
                                        new Plot.Line.Mean(
                                                "mean",
                                                "ke_seconds_sum",
                                                "ke_seconds_count",
                                                1000.0))));
    }
}
