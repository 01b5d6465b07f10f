package dev.ntsfarm.control.wire;

import dev.ntsfarm.control.ActivityReport;
import dev.ntsfarm.control.AuthDataReport;
import dev.ntsfarm.control.ClockSyncState;
import dev.ntsfarm.control.SourceRow;
import dev.ntsfarm.core.clock.Reach;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceState;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.proto.control.v1.AgentActivityReply;
import dev.ntsfarm.proto.control.v1.AgentAuthData;
import dev.ntsfarm.proto.control.v1.AgentAuthDataReply;
import dev.ntsfarm.proto.control.v1.AgentAuthMode;
import dev.ntsfarm.proto.control.v1.AgentLeap;
import dev.ntsfarm.proto.control.v1.AgentSource;
import dev.ntsfarm.proto.control.v1.AgentSourceMode;
import dev.ntsfarm.proto.control.v1.AgentSourceState;
import dev.ntsfarm.proto.control.v1.AgentSourceStats;
import dev.ntsfarm.proto.control.v1.AgentSourceStatsReply;
import dev.ntsfarm.proto.control.v1.AgentSourcesReply;
import dev.ntsfarm.proto.control.v1.AgentSyncStateReply;
import dev.ntsfarm.proto.control.v1.AgentTrackingReply;
import java.util.ArrayList;
import java.util.List;

/**
 * Between the clock agent's report values and their wire messages, both ways, in one place. The
 * wire's signs (proto comments) are the agent's: offsets positive when the local clock is behind;
 * the values carry chronyc's.
 */
public final class AgentMessages {

    private AgentMessages() {}

    public static AgentTrackingReply toWire(Tracking t) {
        return AgentTrackingReply.newBuilder()
                .setReferenceId(t.refId())
                .setReferenceName(t.refName())
                .setStratum(t.stratum())
                .setReferenceTimeUnixNanos(t.refTime())
                .setSystemTime(t.systemTime())
                .setLastOffset(-t.lastOffset())
                .setRmsOffset(t.rmsOffset())
                .setFrequencyPpm(t.frequencyPpm())
                .setResidualFrequencyPpm(t.residualFreqPpm())
                .setSkewPpm(t.skewPpm())
                .setRootDelay(t.rootDelay())
                .setRootDispersion(t.rootDispersion())
                .setUpdateInterval(t.updateInterval())
                .setLeapValue(t.leap().code())
                .build();
    }

    public static Tracking fromWire(AgentTrackingReply t) {
        return new Tracking(
                t.getReferenceId(),
                t.getReferenceName(),
                t.getStratum(),
                t.getReferenceTimeUnixNanos(),
                t.getSystemTime(),
                -t.getLastOffset(),
                t.getRmsOffset(),
                t.getFrequencyPpm(),
                t.getResidualFrequencyPpm(),
                t.getSkewPpm(),
                t.getRootDelay(),
                t.getRootDispersion(),
                t.getUpdateInterval(),
                LeapIndicator.of(t.getLeapValue()));
    }

    public static AgentSourcesReply sourcesToWire(List<SourceRow<SourceReport>> rows) {
        AgentSourcesReply.Builder b = AgentSourcesReply.newBuilder();
        for (SourceRow<SourceReport> row : rows) {
            SourceReport r = row.report();
            b.addSources(
                    AgentSource.newBuilder()
                            .setName(row.name())
                            .setAddress(row.address())
                            .setMode(
                                    switch (r.mode()) {
                                        case SourceReport.MODE_PEER ->
                                                AgentSourceMode.AGENT_MODE_PEER;
                                        case SourceReport.MODE_REFCLOCK ->
                                                AgentSourceMode.AGENT_MODE_REFCLOCK;
                                        default -> AgentSourceMode.AGENT_MODE_SERVER;
                                    })
                            .setState(toWire(r.state()))
                            .setStratum(r.stratum())
                            .setPoll(r.poll())
                            .setReach(r.reach().bits())
                            .setLastRxSeconds(r.lastRx())
                            .setHasSample(r.lastRx() >= 0)
                            .setAdjustedOffset(-r.lastSample())
                            .setMeasuredOffset(-r.lastSampleOriginal())
                            .setErrorBound(r.lastSampleError()));
        }
        return b.build();
    }

    public static List<SourceRow<SourceReport>> sourcesFromWire(AgentSourcesReply reply) {
        List<SourceRow<SourceReport>> rows = new ArrayList<>();
        for (AgentSource s : reply.getSourcesList()) {
            char mode =
                    switch (s.getMode()) {
                        case AGENT_MODE_PEER -> SourceReport.MODE_PEER;
                        case AGENT_MODE_REFCLOCK -> SourceReport.MODE_REFCLOCK;
                        default -> SourceReport.MODE_SERVER;
                    };
            rows.add(
                    new SourceRow<>(
                            s.getName(),
                            s.getAddress(),
                            new SourceReport(
                                    mode,
                                    fromWire(s.getState()),
                                    s.getAddress(),
                                    s.getStratum(),
                                    s.getPoll(),
                                    new Reach(s.getReach() & 0xFF),
                                    s.getLastRxSeconds(),
                                    -s.getAdjustedOffset(),
                                    -s.getMeasuredOffset(),
                                    s.getErrorBound())));
        }
        return rows;
    }

    private static AgentSourceState toWire(SourceState s) {
        return switch (s) {
            case SELECTED -> AgentSourceState.AGENT_STATE_SELECTED;
            case COMBINED -> AgentSourceState.AGENT_STATE_COMBINED;
            case NOT_COMBINED -> AgentSourceState.AGENT_STATE_NOT_COMBINED;
            case UNUSABLE -> AgentSourceState.AGENT_STATE_UNUSABLE;
            case FALSETICKER -> AgentSourceState.AGENT_STATE_FALSETICKER;
            case JITTERY -> AgentSourceState.AGENT_STATE_JITTERY;
        };
    }

    private static SourceState fromWire(AgentSourceState s) {
        return switch (s) {
            case AGENT_STATE_SELECTED -> SourceState.SELECTED;
            case AGENT_STATE_COMBINED -> SourceState.COMBINED;
            case AGENT_STATE_NOT_COMBINED -> SourceState.NOT_COMBINED;
            case AGENT_STATE_FALSETICKER -> SourceState.FALSETICKER;
            case AGENT_STATE_JITTERY -> SourceState.JITTERY;
            default -> SourceState.UNUSABLE;
        };
    }

    public static AgentSourceStatsReply sourceStatsToWire(List<SourceRow<SourceStatsReport>> rows) {
        AgentSourceStatsReply.Builder b = AgentSourceStatsReply.newBuilder();
        for (SourceRow<SourceStatsReport> row : rows) {
            SourceStatsReport r = row.report();
            b.addSources(
                    AgentSourceStats.newBuilder()
                            .setName(row.name())
                            .setAddress(row.address())
                            .setSamples(r.samples())
                            .setRuns(r.runs())
                            .setSpanSeconds(r.span())
                            .setFrequencyPpm(r.frequencyPpm())
                            .setSkewPpm(r.skewPpm())
                            .setOffset(r.offset())
                            .setStdDev(r.stdDev()));
        }
        return b.build();
    }

    public static List<SourceRow<SourceStatsReport>> sourceStatsFromWire(
            AgentSourceStatsReply reply) {
        List<SourceRow<SourceStatsReport>> rows = new ArrayList<>();
        for (AgentSourceStats s : reply.getSourcesList()) {
            rows.add(
                    new SourceRow<>(
                            s.getName(),
                            s.getAddress(),
                            new SourceStatsReport(
                                    s.getAddress(),
                                    s.getSamples(),
                                    s.getRuns(),
                                    s.getSpanSeconds(),
                                    s.getFrequencyPpm(),
                                    s.getSkewPpm(),
                                    s.getOffset(),
                                    s.getStdDev())));
        }
        return rows;
    }

    public static AgentAuthDataReply authDataToWire(List<SourceRow<AuthDataReport>> rows) {
        AgentAuthDataReply.Builder b = AgentAuthDataReply.newBuilder();
        for (SourceRow<AuthDataReport> row : rows) {
            AuthDataReport a = row.report();
            b.addSources(
                    AgentAuthData.newBuilder()
                            .setName(row.name())
                            .setAddress(row.address())
                            .setMode(
                                    switch (a.mode()) {
                                        case NONE -> AgentAuthMode.AGENT_AUTH_NONE;
                                        case SYMMETRIC -> AgentAuthMode.AGENT_AUTH_SYMMETRIC;
                                        case NTS -> AgentAuthMode.AGENT_AUTH_NTS;
                                    })
                            .setKeyId(a.keyId())
                            .setType(a.type())
                            .setKeyLength(a.keyLength())
                            .setLastSeconds(a.lastSeconds())
                            .setAttempts(a.attempts())
                            .setNaks(a.naks())
                            .setCookies(a.cookies())
                            .setCookieLength(a.cookieLength()));
        }
        return b.build();
    }

    public static List<SourceRow<AuthDataReport>> authDataFromWire(AgentAuthDataReply reply) {
        List<SourceRow<AuthDataReport>> rows = new ArrayList<>();
        for (AgentAuthData a : reply.getSourcesList()) {
            AuthDataReport.Mode mode =
                    switch (a.getMode()) {
                        case AGENT_AUTH_NTS -> AuthDataReport.Mode.NTS;
                        case AGENT_AUTH_SYMMETRIC -> AuthDataReport.Mode.SYMMETRIC;
                        default -> AuthDataReport.Mode.NONE;
                    };
            rows.add(
                    new SourceRow<>(
                            a.getName(),
                            a.getAddress(),
                            new AuthDataReport(
                                    mode,
                                    a.getKeyId(),
                                    a.getType(),
                                    a.getKeyLength(),
                                    a.getLastSeconds(),
                                    a.getAttempts(),
                                    a.getNaks(),
                                    a.getCookies(),
                                    a.getCookieLength())));
        }
        return rows;
    }

    public static AgentActivityReply toWire(ActivityReport a) {
        return AgentActivityReply.newBuilder()
                .setOnline(a.online())
                .setOffline(a.offline())
                .setBurstOnline(a.burstOnline())
                .setBurstOffline(a.burstOffline())
                .setUnresolved(a.unresolved())
                .build();
    }

    public static ActivityReport fromWire(AgentActivityReply a) {
        return new ActivityReport(
                a.getOnline(),
                a.getOffline(),
                a.getBurstOnline(),
                a.getBurstOffline(),
                a.getUnresolved());
    }

    public static AgentSyncStateReply toWire(ClockSyncState s) {
        return AgentSyncStateReply.newBuilder()
                .setStratum(s.stratum())
                .setReferenceId(s.referenceId())
                .setRootDelay(s.rootDelay())
                .setRootDispersion(s.rootDispersion())
                .setLeap(AgentLeap.forNumber(s.leap().code()))
                .setReferenceTimeUnixNanos(s.referenceTimeUnixNanos())
                .build();
    }
}
