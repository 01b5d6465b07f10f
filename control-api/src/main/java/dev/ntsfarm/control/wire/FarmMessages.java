package dev.ntsfarm.control.wire;

import dev.ntsfarm.control.ClientReport;
import dev.ntsfarm.control.FarmMember;
import dev.ntsfarm.control.FarmStats;
import dev.ntsfarm.control.KeysReport;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.proto.control.v1.ClientRecord;
import dev.ntsfarm.proto.control.v1.ClientsReply;
import dev.ntsfarm.proto.control.v1.FarmServerStatsReply;
import dev.ntsfarm.proto.control.v1.KeySlot;
import dev.ntsfarm.proto.control.v1.KeysReply;
import dev.ntsfarm.proto.control.v1.MemberServerStats;
import dev.ntsfarm.proto.control.v1.MembersReply;
import dev.ntsfarm.proto.control.v1.ServerStatsReply;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Between the farm's report values and their wire messages, both ways, in one place. */
public final class FarmMessages {

    private FarmMessages() {}

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
            m.put(
                    c,
                    switch (c) {
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

    public static FarmServerStatsReply toWire(FarmStats stats) {
        FarmServerStatsReply.Builder b =
                FarmServerStatsReply.newBuilder()
                        .setIgnoredEntries(stats.ignoredEntries())
                        .setTotal(toReply(stats.total()));
        for (FarmStats.MemberStats m : stats.members()) {
            b.addMembers(
                    MemberServerStats.newBuilder()
                            .setMember(m.member())
                            .setLocal(m.local())
                            .setAgeMillis(m.ageMillis())
                            .setStats(toReply(m.counters())));
        }
        return b.build();
    }

    public static FarmStats fromWire(FarmServerStatsReply r) {
        List<FarmStats.MemberStats> members = new ArrayList<>();
        for (MemberServerStats m : r.getMembersList()) {
            members.add(
                    new FarmStats.MemberStats(
                            m.getMember(),
                            m.getLocal(),
                            m.getAgeMillis(),
                            fromReply(m.getStats())));
        }
        return new FarmStats(members, r.getIgnoredEntries());
    }

    public static MembersReply membersToWire(List<FarmMember> members) {
        MembersReply.Builder b = MembersReply.newBuilder();
        for (FarmMember m : members) {
            b.addMembers(
                    dev.ntsfarm.proto.control.v1.FarmMember.newBuilder()
                            .setName(m.name())
                            .setRole(m.role())
                            .setLocal(m.local())
                            .setAgeMillis(m.ageMillis())
                            .setServices(m.services()));
        }
        return b.build();
    }

    public static List<FarmMember> membersFromWire(MembersReply r) {
        return r.getMembersList().stream()
                .map(
                        m ->
                                new FarmMember(
                                        m.getName(),
                                        m.getRole(),
                                        m.getLocal(),
                                        m.getAgeMillis(),
                                        m.getServices()))
                .toList();
    }

    public static KeysReply toWire(KeysReport k) {
        KeysReply.Builder b = KeysReply.newBuilder().setDamagedEntries(k.damagedEntries());
        for (KeysReport.Slot s : k.slots()) {
            b.addSlots(
                    KeySlot.newBuilder()
                            .setSlot((int) s.slot())
                            .setAgeSeconds(s.ageSeconds())
                            .setCurrent(s.current()));
        }
        return b.build();
    }

    public static KeysReport fromWire(KeysReply r) {
        return new KeysReport(
                r.getSlotsList().stream()
                        .map(
                                s ->
                                        new KeysReport.Slot(
                                                Integer.toUnsignedLong(s.getSlot()),
                                                s.getAgeSeconds(),
                                                s.getCurrent()))
                        .toList(),
                r.getDamagedEntries());
    }

    public static ClientsReply clientsToWire(List<ClientReport> clients) {
        ClientsReply.Builder b = ClientsReply.newBuilder();
        for (ClientReport c : clients) {
            b.addClients(
                    ClientRecord.newBuilder()
                            .setAddress(c.address())
                            .setNtpHits(c.ntpHits())
                            .setNtpDrops((int) Math.min(Integer.MAX_VALUE, c.ntpDrops()))
                            .setNtpInterval(c.ntpInterval())
                            .setNtpPenalty(c.ntpPenalty())
                            .setNtpLastSeconds(c.ntpLast())
                            .setCmdHits(c.cmdHits())
                            .setCmdDrops((int) Math.min(Integer.MAX_VALUE, c.cmdDrops()))
                            .setCmdInterval(c.cmdInterval())
                            .setCmdLastSeconds(c.cmdLast()));
        }
        return b.build();
    }

    public static List<ClientReport> clientsFromWire(ClientsReply r) {
        return r.getClientsList().stream()
                .map(
                        c ->
                                new ClientReport(
                                        c.getAddress(),
                                        c.getNtpHits(),
                                        Integer.toUnsignedLong(c.getNtpDrops()),
                                        c.getNtpInterval(),
                                        c.getNtpPenalty(),
                                        c.getNtpLastSeconds(),
                                        c.getCmdHits(),
                                        Integer.toUnsignedLong(c.getCmdDrops()),
                                        c.getCmdInterval(),
                                        c.getCmdLastSeconds()))
                .toList();
    }
}
