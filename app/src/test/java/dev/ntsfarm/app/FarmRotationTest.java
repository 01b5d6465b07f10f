package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Requirements;
import dev.ntsfarm.testsupport.farm.Nginx;
import dev.ntsfarm.testsupport.farm.ProcessFarm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation under a continuous chronyd client, on a farm of processes behind nginx with a short
 * {@code ntsrotate}: every answer carries fresh cookies of the current slot, so rotation costs the
 * client nothing; a client that sent nothing for longer than retention (the current slot and two
 * before it) gets a NAK, makes a new NTS-KE and polls on.
 */
@Timeout(240)
class FarmRotationTest {

    static final int ROTATE = 6;

    /** Cookies of slot S open while the current slot is at most S + 2 (DEFAULT_PAST_SLOTS). */
    static final int PAST_SLOTS = 2;

    @TempDir Path dir;

    private long currentSlot(ProcessFarm farm) throws Exception {
        byte[] cookie =
                NtsTestClient.establish(farm.balancerKePort(), farm.certificate().cert())
                        .cookies()
                        .getFirst();
        return ((cookie[0] & 0xffL) << 24)
                | ((cookie[1] & 0xff) << 16)
                | ((cookie[2] & 0xff) << 8)
                | (cookie[3] & 0xff);
    }

    /**
     * NTS NAKs nginx passed back so far: chronyd's own NAK column is a flag that the next answer
     * clears.
     */
    private static long naks(Nginx nginx) throws IOException {
        return nginx.sessions().stream().filter(Nginx.Session::ntsNak).count();
    }

    @Test
    void rotationCostsNothingWithinRetentionAndPastItANakLeadsToANewKeyExchange() throws Exception {
        Requirements.chronyd();
        try (ProcessFarm farm = ProcessFarm.on(dir.resolve("farm"), "ntsrotate " + ROTATE)) {
            farm.keMember("ke-1");
            farm.ntpResponder("ntp-1");
            farm.ntpResponder("ntp-2");
            Nginx nginx = farm.balancer(null);
            farm.startAll();
            nginx.start();
            try (FarmClient client =
                    FarmClient.start(
                            dir,
                            "127.0.0.1",
                            farm.balancerNtpPort(),
                            farm.balancerKePort(),
                            farm.certificate().cert())) {
                client.awaitReach377(Duration.ofSeconds(40));
                long keyId = client.keyId();
                long first = currentSlot(farm);

                client.assertReach377Throughout(
                        Duration.ofSeconds(3L * ROTATE + 2), "across three rotations");
                assertTrue(currentSlot(farm) >= first + 3, "the farm rotated three times");
                assertEquals(
                        0,
                        naks(nginx),
                        "no NAK within retention: " + String.join(" ", client.authdata()));
                assertEquals(keyId, client.keyId(), "and no new NTS-KE");

                // silent past retention: the cookies chronyd holds are of a slot the farm let go
                client.chronyd.chronycLocal("offline");
                long held = currentSlot(farm);
                long now =
                        Await.until(
                                Duration.ofSeconds((PAST_SLOTS + 3L) * ROTATE),
                                Duration.ofSeconds(1),
                                () -> currentSlot(farm),
                                s -> s > held + PAST_SLOTS + 1);
                assertTrue(now > held + PAST_SLOTS + 1, "slot " + now + " after " + held);
                client.chronyd.chronycLocal("online");
                long naks =
                        Await.until(
                                Duration.ofSeconds(20),
                                Duration.ofMillis(250),
                                () -> naks(nginx),
                                n -> n > 0);
                assertTrue(
                        naks > 0,
                        "a NAK for the expired cookie: " + String.join(" ", client.authdata()));
                long rekeyed =
                        Await.until(
                                Duration.ofSeconds(20),
                                Duration.ofMillis(250),
                                client::keyId,
                                k -> k > keyId);
                assertTrue(
                        rekeyed > keyId,
                        "a new NTS-KE after the NAK: " + String.join(" ", client.authdata()));
                client.awaitReach377(Duration.ofSeconds(30));
            }
        }
    }
}
