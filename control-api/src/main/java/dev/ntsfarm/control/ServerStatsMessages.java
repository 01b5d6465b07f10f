package dev.ntsfarm.control;

import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.proto.control.v1.ServerStatsReply;
import java.util.EnumMap;
import java.util.Map;

/** Between {@link ServerCounter} values and the wire message, one field per counter. */
public final class ServerStatsMessages {

    private ServerStatsMessages() {
    }

    public static ServerStatsReply toReply(Map<ServerCounter, Long> counters) {
        ServerStatsReply.Builder b = ServerStatsReply.newBuilder();
        for (Map.Entry<ServerCounter, Long> e : counters.entrySet()) {
            long v = e.getValue();
            switch (e.getKey()) {
                case NTP_PACKETS_RECEIVED -> b.setNtpPacketsReceived(v);
                case NTP_PACKETS_DROPPED -> b.setNtpPacketsDropped(v);
                case COMMAND_PACKETS_RECEIVED -> b.setCommandPacketsReceived(v);
                case COMMAND_PACKETS_DROPPED -> b.setCommandPacketsDropped(v);
                case CLIENT_LOG_RECORDS_DROPPED -> b.setClientLogRecordsDropped(v);
                case NTS_KE_CONNECTIONS_ACCEPTED -> b.setNtsKeConnectionsAccepted(v);
                case NTS_KE_CONNECTIONS_DROPPED -> b.setNtsKeConnectionsDropped(v);
                case AUTHENTICATED_NTP_PACKETS -> b.setAuthenticatedNtpPackets(v);
                case INTERLEAVED_NTP_PACKETS -> b.setInterleavedNtpPackets(v);
                case NTP_TIMESTAMPS_HELD -> b.setNtpTimestampsHeld(v);
                case NTP_TIMESTAMP_SPAN -> b.setNtpTimestampSpan(v);
                case NTS_NAKS_SENT -> b.setNtsNaksSent(v);
                case KISS_RATE_SENT -> b.setKissRateSent(v);
            }
        }
        return b.build();
    }

    /** Every counter, in {@link ServerCounter} order. */
    public static Map<ServerCounter, Long> fromReply(ServerStatsReply r) {
        Map<ServerCounter, Long> m = new EnumMap<>(ServerCounter.class);
        for (ServerCounter c : ServerCounter.values()) {
            m.put(c, switch (c) {
                case NTP_PACKETS_RECEIVED -> r.getNtpPacketsReceived();
                case NTP_PACKETS_DROPPED -> r.getNtpPacketsDropped();
                case COMMAND_PACKETS_RECEIVED -> r.getCommandPacketsReceived();
                case COMMAND_PACKETS_DROPPED -> r.getCommandPacketsDropped();
                case CLIENT_LOG_RECORDS_DROPPED -> r.getClientLogRecordsDropped();
                case NTS_KE_CONNECTIONS_ACCEPTED -> r.getNtsKeConnectionsAccepted();
                case NTS_KE_CONNECTIONS_DROPPED -> r.getNtsKeConnectionsDropped();
                case AUTHENTICATED_NTP_PACKETS -> r.getAuthenticatedNtpPackets();
                case INTERLEAVED_NTP_PACKETS -> r.getInterleavedNtpPackets();
                case NTP_TIMESTAMPS_HELD -> r.getNtpTimestampsHeld();
                case NTP_TIMESTAMP_SPAN -> r.getNtpTimestampSpan();
                case NTS_NAKS_SENT -> r.getNtsNaksSent();
                case KISS_RATE_SENT -> r.getKissRateSent();
            });
        }
        return m;
    }
}
