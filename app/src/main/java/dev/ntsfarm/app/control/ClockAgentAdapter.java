package dev.ntsfarm.app.control;

import dev.ntsfarm.agent.Agent;
import dev.ntsfarm.agent.Tracking;
import dev.ntsfarm.agent.nts.NtsAssociation;
import dev.ntsfarm.agent.source.NtpSource;
import dev.ntsfarm.control.ActivityReport;
import dev.ntsfarm.control.AuthDataReport;
import dev.ntsfarm.control.ClockAgentControl;
import dev.ntsfarm.control.ClockSyncFeed;
import dev.ntsfarm.control.ClockSyncState;
import dev.ntsfarm.control.ControlException;
import dev.ntsfarm.control.SourceRow;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.core.clock.LeapStatus;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** The clock agent as the control plane sees it: its reports and operations as plain values. */
public final class ClockAgentAdapter implements ClockAgentControl, ClockSyncFeed {

    private final Vertx vertx;
    private final Agent agent;
    private final ClockControl clock;

    public ClockAgentAdapter(Vertx vertx, Agent agent, ClockControl clock) {
        this.vertx = vertx;
        this.agent = agent;
        this.clock = clock;
    }

    @Override
    public dev.ntsfarm.core.clock.Tracking tracking() {
        return agent.trackingReport();
    }

    @Override
    public List<SourceRow<SourceReport>> sources() {
        return rows(agent.sources(), agent.sourceReports());
    }

    @Override
    public List<SourceRow<SourceStatsReport>> sourceStats() {
        return rows(agent.sources(), agent.sourceStatsReports());
    }

    /** Each source's report beside its name and address; a source without a report yet is left out. */
    private static <R> List<SourceRow<R>> rows(List<NtpSource> sources, List<R> reports) {
        List<SourceRow<R>> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(sources.size(), reports.size()); i++) {
            if (reports.get(i) != null) {
                rows.add(new SourceRow<>(sources.get(i).name(), sources.get(i).addressText(), reports.get(i)));
            }
        }
        return rows;
    }

    @Override
    public List<SourceRow<AuthDataReport>> authData() {
        long nowSec = clock.readTime() / 1_000_000_000L;
        List<SourceRow<AuthDataReport>> rows = new ArrayList<>();
        for (NtpSource s : agent.sources()) {
            AuthDataReport a;
            NtsAssociation nts = s.nts();
            if (nts != null) {
                int type = nts.keys() != null ? nts.keys().algorithm().id() : 0;
                int bits = nts.keys() != null ? nts.keys().algorithm().keyLength() * 8 : 0;
                a = new AuthDataReport(AuthDataReport.Mode.NTS, nts.contextId(), type, bits,
                        nts.keUnixSeconds() == Long.MIN_VALUE ? -1 : nowSec - nts.keUnixSeconds(),
                        nts.failedAttempts(), nts.naks(), nts.cookies(), nts.cookieLength());
            } else if (s.key() != null) {
                MacAlgorithm alg = s.key().algorithm();
                a = new AuthDataReport(AuthDataReport.Mode.SYMMETRIC, s.key().id(), hashType(alg),
                        (alg.isCmac() ? alg.cmacKeyLength() : s.key().keyLength()) * 8, -1, 0, 0, 0, 0);
            } else {
                a = AuthDataReport.NONE;
            }
            rows.add(new SourceRow<>(s.name(), s.addressText(), a));
        }
        return rows;
    }

    /** chronyc's Type column for symmetric keys: chrony's hash numbering (HSH_MD5 = 1, ...), CMAC 13/14. */
    static int hashType(MacAlgorithm alg) {
        return switch (alg) {
            case MD5 -> 1;
            case SHA1 -> 2;
            case SHA256 -> 3;
            case SHA384 -> 4;
            case SHA512 -> 5;
            case SHA3_224 -> 6;
            case SHA3_256 -> 7;
            case SHA3_384 -> 8;
            case SHA3_512 -> 9;
            case AES128 -> 13;
            case AES256 -> 14;
        };
    }

    @Override
    public ActivityReport activity() {
        int on = 0;
        int off = 0;
        int burstOn = 0;
        for (NtpSource s : agent.sources()) {
            if (agent.bursting(s)) {
                burstOn++;
            } else if (s.online()) {
                on++;
            } else {
                off++;
            }
        }
        return new ActivityReport(on, off, burstOn, 0, 0);
    }

    @Override
    public Future<Void> makeStep() {
        // chronyc makestep: step away whatever correction is still being slewed
        double pending = clock.pendingSlew();
        if (pending != 0) {
            clock.slewOffset(-pending);
            clock.stepOffset(pending);
        }
        return Future.succeededFuture();
    }

    private List<NtpSource> select(String selector) {
        return agent.sources().stream()
                .filter(s -> selector.isEmpty() || s.addressText().equals(selector) || s.name().equals(selector))
                .toList();
    }

    @Override
    public int burst(String selector) {
        List<NtpSource> sel = select(selector);
        sel.forEach(agent::burst);
        return sel.size();
    }

    @Override
    public int setOnline(String selector, boolean online) {
        List<NtpSource> sel = select(selector);
        sel.forEach(s -> vertx.runOnContext(v -> s.setOnline(online)));
        return sel.size();
    }

    @Override
    public Future<Void> addSource(SourceDirective directive) {
        return agent.addSource(directive).recover(e -> Future.failedFuture(
                new ControlException(ControlException.Reason.REFUSED, e.getMessage())));
    }

    @Override
    public Future<Boolean> deleteSource(String address) {
        return agent.deleteSource(address);
    }

    @Override
    public int sourceCount() {
        return agent.sources().size();
    }

    @Override
    public ClockSyncState syncState() {
        Tracking t = agent.tracking();
        if (!t.synchronised()) {
            return ClockSyncState.UNSYNCHRONISED;
        }
        return new ClockSyncState(t.stratum(), t.referenceId(), t.rootDelay(), t.rootDispersion(),
                LeapStatus.ofIndicator(t.leap().code()), t.referenceTimeUnixNanos());
    }
}
