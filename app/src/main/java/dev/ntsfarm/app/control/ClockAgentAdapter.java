package dev.ntsfarm.app.control;

import dev.ntsfarm.agent.Agent;
import dev.ntsfarm.control.ActivityReport;
import dev.ntsfarm.control.AuthDataReport;
import dev.ntsfarm.control.ClockAgentControl;
import dev.ntsfarm.control.ClockSyncFeed;
import dev.ntsfarm.control.ClockSyncState;
import dev.ntsfarm.control.ControlException;
import dev.ntsfarm.control.SourceRow;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.core.ntp.LeapIndicator;
import io.vertx.core.Future;
import java.util.List;

/** The clock agent as the control plane sees it: its reports and operations as plain values. */
public final class ClockAgentAdapter implements ClockAgentControl, ClockSyncFeed {

    private final Agent agent;

    public ClockAgentAdapter(Agent agent) {
        this.agent = agent;
    }

    @Override
    public Tracking tracking() {
        return agent.tracking();
    }

    @Override
    public List<SourceRow<SourceReport>> sources() {
        return agent.sources().stream()
                .map(s -> new SourceRow<>(s.name(), s.address(), s.report()))
                .toList();
    }

    @Override
    public List<SourceRow<SourceStatsReport>> sourceStats() {
        return agent.sources().stream()
                .map(s -> new SourceRow<>(s.name(), s.address(), s.stats()))
                .toList();
    }

    @Override
    public List<SourceRow<AuthDataReport>> authData() {
        long nowSec = agent.clock().readTime() / 1_000_000_000L;
        return agent.sources().stream()
                .map(s -> new SourceRow<>(s.name(), s.address(), authData(s, nowSec)))
                .toList();
    }

    private static AuthDataReport authData(Agent.SourceView s, long nowSec) {
        if (s.nts() != null) {
            Agent.NtsView n = s.nts();
            return new AuthDataReport(
                    AuthDataReport.Mode.NTS,
                    n.contextId(),
                    n.aead(),
                    n.keyBits(),
                    n.keUnixSeconds() == NtsAssociation.NEVER ? -1 : nowSec - n.keUnixSeconds(),
                    n.attempts(),
                    n.naks(),
                    n.cookies(),
                    n.cookieLength());
        }
        if (s.key() != null) {
            SymmetricKey k = s.key();
            MacAlgorithm alg = k.algorithm();
            return new AuthDataReport(
                    AuthDataReport.Mode.SYMMETRIC,
                    k.id(),
                    hashType(alg),
                    (alg.isCmac() ? alg.cmacKeyLength() : k.keyLength()) * 8,
                    -1,
                    0,
                    0,
                    0,
                    0);
        }
        return AuthDataReport.NONE;
    }

    /**
     * chronyc's Type column for symmetric keys: chrony's hash numbering (HSH_MD5 = 1, ...), CMAC
     * 13/14.
     */
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
        for (Agent.SourceView s : agent.sources()) {
            if (s.bursting()) {
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
        String refused = agent.makestep();
        return refused == null
                ? Future.succeededFuture()
                : Future.failedFuture(
                        new ControlException(ControlException.Reason.REFUSED, refused));
    }

    @Override
    public int burst(String selector) {
        return agent.burst(selector);
    }

    @Override
    public int setOnline(String selector, boolean online) {
        return agent.setOnline(selector, online);
    }

    @Override
    public Future<Void> addSource(SourceDirective directive) {
        return agent.addSource(directive)
                .recover(
                        e ->
                                Future.failedFuture(
                                        new ControlException(
                                                ControlException.Reason.REFUSED, e.getMessage())));
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
        Tracking t = agent.trackingAtUpdate();
        if (t.leap() == LeapIndicator.UNSYNCHRONIZED || t.stratum() == 0) {
            return ClockSyncState.UNSYNCHRONISED;
        }
        return new ClockSyncState(
                t.stratum(), t.refId(), t.rootDelay(), t.rootDispersion(), t.leap(), t.refTime());
    }
}
