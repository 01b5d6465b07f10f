package dev.ntsfarm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ntsfarm.agent.kernel.ReadOnlyClock;
import dev.ntsfarm.core.clock.Driftfile;
import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.testsupport.Chronyd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** NAK recovery against chronyd, the sync state the local responder reads, and -q on a read-only clock. */
class NtsNakInteropTest {

    @TempDir
    Path dir;
    private Chronyd chronyd;
    private AgentDaemon daemon;

    @AfterEach
    void stopAll() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
        if (chronyd != null) {
            chronyd.close();
        }
    }

    /** Polls the agent's own state (read under its lock) until {@code done}. */
    static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    static AgentConfig config(String... directives) throws Exception {
        return AgentConfig.from(((ConfigResult.Parsed) Config.fromArgs(List.of(directives))).config());
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void naksLeadToNewNtsKeAndTheSyncStateFollows() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        daemon = new AgentDaemon(config(
                "server 127.0.0.1 port " + chronyd.ntpPort() + " ntsport " + chronyd.ntsPort() + " nts iburst minpoll -2 maxpoll -2",
                "ntstrustedcerts " + chronyd.certificate().cert()), true, ps::println);
        daemon.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        NtpSource source = daemon.agent().ntpSources().getFirst();
        await("reach 377", Duration.ofSeconds(30), () -> source.source().reach().bits() == 0xFF);
        await("a clock update", Duration.ofSeconds(10), () -> daemon.agent().tracking().stratum() > 0);

        // what the local responder is fed (the control plane serves it as ClockSyncState)
        Tracking sync = daemon.agent().tracking();
        assertEquals(2, sync.stratum(), sync.toString());
        assertEquals(0x7F000001, sync.refId());
        assertEquals(LeapIndicator.NO_WARNING, sync.leap());
        assertTrue(sync.rootDelay() >= 0 && sync.rootDelay() < 0.1, sync.toString());

        // chronyd forgets its server keys: every cookie the agent holds now earns a NAK
        chronyd.close();
        Path serverKeys = chronyd.dir.resolve("ntsdump");
        try (var files = Files.walk(serverKeys)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(serverKeys)).forEach(p -> p.toFile().delete());
        }
        chronyd.restartServer();
        NtsAssociation nts = source.nts();
        await("a NAK and a second NTS-KE", Duration.ofSeconds(30),
                () -> nts.naks() > 0 && daemon.agent().keSessions() >= 2);
        long goodAfterNak = source.goodResponses();
        await("answered polls under the new keys", Duration.ofSeconds(30),
                () -> source.goodResponses() >= goodAfterNak + 4);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Received NTS NAK from 127.0.0.1"), log::toString);
        assertEquals(2, nts.contextId(), "KeyID counts NTS-KE sessions");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theDriftFileAndTheNtsStateAreWrittenByWorkers() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        Path drift = dir.resolve("agent.drift");
        Path dumps = dir.resolve("agent-nts");
        daemon = new AgentDaemon(config(
                "server 127.0.0.1 port " + chronyd.ntpPort() + " ntsport " + chronyd.ntsPort() + " nts iburst minpoll -2 maxpoll -2",
                "ntstrustedcerts " + chronyd.certificate().cert(), "driftfile " + drift, "ntsdumpdir " + dumps),
                true, ps::println);
        daemon.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        // the NTS state is saved after NTS-KE, the drift file at stop: both on a worker (a write on
        // the event loop throws, and leaves no file)
        await("a clock update", Duration.ofSeconds(30), () -> daemon.agent().tracking().stratum() > 0);
        await("the NTS state saved", Duration.ofSeconds(10), () -> {
            try (var files = Files.list(dumps)) {
                return files.findAny().isPresent();
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
        daemon.stop();
        daemon = null;
        String text = log.toString(StandardCharsets.UTF_8);
        assertInstanceOf(Driftfile.Valid.class, Driftfile.parse(Files.readString(drift)), Files.readString(drift));
        assertFalse(text.contains("event loop") || text.contains("Could not"), text);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void minusQOnAReadOnlyClockStepsNothing() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        ReadOnlyClock clock = new ReadOnlyClock();
        int rc = AgentCommand.oneShot(config(
                "server 127.0.0.1 port " + chronyd.ntpPort() + " ntsport " + chronyd.ntsPort() + " iburst nts maxsamples 1",
                "ntstrustedcerts " + chronyd.certificate().cert()), true, clock, 15, ps::println);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        Matcher m = Pattern.compile("System clock wrong by (-?\\d+\\.\\d{6}) seconds \\(step\\)").matcher(text);
        assertTrue(m.find(), text);
        assertEquals(Double.parseDouble(m.group(1)), clock.lastStep(), 1e-6);
        assertTrue(Math.abs(clock.lastStep()) < 0.1, "loopback to chronyd on the same clock: " + text);
    }
}
