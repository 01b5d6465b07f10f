package dev.ntsfarm.agent;

import static dev.ntsfarm.agent.AgentUnderTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.agent.kernel.ReadOnlyClock;
import dev.ntsfarm.core.clock.Driftfile;
import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.testsupport.Chronyd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * NAK recovery against chronyd, the sync state the local responder reads, and -q on a read-only
 * clock.
 */
class NtsNakInteropTest {

    @TempDir Path dir;
    @RegisterExtension final AgentUnderTest agent = new AgentUnderTest();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void naksLeadToNewNtsKeAndTheSyncStateFollows() throws Exception {
        Chronyd chronyd = agent.chronydServer(dir);
        Agent daemon =
                agent.start(
                        "server 127.0.0.1 port "
                                + chronyd.ntpPort()
                                + " ntsport "
                                + chronyd.ntsPort()
                                + " nts iburst minpoll -2 maxpoll -2",
                        "ntstrustedcerts " + chronyd.certificate().cert());
        NtpSource source = daemon.ntpSources().getFirst();
        await("reach 377", Duration.ofSeconds(30), () -> source.source().reach().bits() == 0xFF);
        await("a clock update", Duration.ofSeconds(10), () -> daemon.tracking().stratum() > 0);

        // what the local responder is fed (the control plane serves it as ClockSyncState)
        Tracking sync = daemon.tracking();
        assertEquals(2, sync.stratum(), sync.toString());
        assertEquals(0x7F000001, sync.refId());
        assertEquals(LeapIndicator.NO_WARNING, sync.leap());
        assertTrue(sync.rootDelay() >= 0 && sync.rootDelay() < 0.1, sync.toString());

        // chronyd forgets its server keys: every cookie the agent holds now earns a NAK
        chronyd.close();
        Path serverKeys = chronyd.dir.resolve("ntsdump");
        try (var files = Files.walk(serverKeys)) {
            files.sorted(Comparator.reverseOrder())
                    .filter(p -> !p.equals(serverKeys))
                    .forEach(p -> p.toFile().delete());
        }
        chronyd.restartServer();
        NtsAssociation nts = source.nts();
        await(
                "a NAK and a second NTS-KE",
                Duration.ofSeconds(30),
                () -> nts.naks() > 0 && daemon.keSessions() >= 2);
        long goodAfterNak = source.goodResponses();
        await(
                "answered polls under the new keys",
                Duration.ofSeconds(30),
                () -> source.goodResponses() >= goodAfterNak + 4);
        assertTrue(agent.log().contains("Received NTS NAK from 127.0.0.1"), agent.log());
        assertEquals(2, nts.contextId(), "KeyID counts NTS-KE sessions");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theDriftFileAndTheNtsStateAreWrittenByWorkers() throws Exception {
        Chronyd chronyd = agent.chronydServer(dir);
        Path drift = dir.resolve("agent.drift");
        Path dumps = dir.resolve("agent-nts");
        Agent daemon =
                agent.start(
                        "server 127.0.0.1 port "
                                + chronyd.ntpPort()
                                + " ntsport "
                                + chronyd.ntsPort()
                                + " nts iburst minpoll -2 maxpoll -2",
                        "ntstrustedcerts " + chronyd.certificate().cert(),
                        "driftfile " + drift,
                        "ntsdumpdir " + dumps);
        // the NTS state is saved after NTS-KE, the drift file at stop: both on a worker (a write on
        // the event loop throws, and leaves no file)
        await("a clock update", Duration.ofSeconds(30), () -> daemon.tracking().stratum() > 0);
        await(
                "the NTS state saved",
                Duration.ofSeconds(10),
                () -> {
                    try (var files = Files.list(dumps)) {
                        return files.findAny().isPresent();
                    } catch (java.io.IOException notYet) {
                        return false;
                    }
                });
        agent.stop();
        String text = agent.log();
        assertInstanceOf(
                Driftfile.Valid.class,
                Driftfile.parse(Files.readString(drift)),
                Files.readString(drift));
        assertFalse(text.contains("event loop") || text.contains("Could not"), text);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void minusQOnAReadOnlyClockStepsNothing() throws Exception {
        Chronyd chronyd = agent.chronydServer(dir);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        ReadOnlyClock clock = new ReadOnlyClock();
        int rc =
                AgentCommand.oneShot(
                        AgentUnderTest.config(
                                "server 127.0.0.1 port "
                                        + chronyd.ntpPort()
                                        + " ntsport "
                                        + chronyd.ntsPort()
                                        + " iburst nts maxsamples 1",
                                "ntstrustedcerts " + chronyd.certificate().cert()),
                        true,
                        clock,
                        15,
                        ps::println);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        Matcher m =
                Pattern.compile("System clock wrong by (-?\\d+\\.\\d{6}) seconds \\(step\\)")
                        .matcher(text);
        assertTrue(m.find(), text);
        assertEquals(Double.parseDouble(m.group(1)), clock.lastStep(), 1e-6);
        assertTrue(
                Math.abs(clock.lastStep()) < 0.1, "loopback to chronyd on the same clock: " + text);
    }
}
