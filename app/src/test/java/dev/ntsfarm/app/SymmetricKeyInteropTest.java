package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * chronyd 4.3 with {@code server ... key N} and a {@code keyfile} gets authenticated time from the
 * farm.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SymmetricKeyInteropTest {

    /** The farm's key file: one key of each kind chronyd users write. */
    static final String FARM_KEYS =
            """
            11 MD5 ASCII:tellmethetime
            12 SHA1 HEX:8A5F4C7E21D09B3F6E8A1C2D3B4F5A6E7D8C9B0A
            13 AES128 HEX:00112233445566778899AABBCCDDEEFF
            """;

    /** The same ids on a client that holds other secrets. */
    static final String WRONG_KEYS =
            """
            11 MD5 ASCII:tellmeanothertime
            12 SHA1 HEX:8A5F4C7E21D09B3F6E8A1C2D3B4F5A6E7D8C9B0B
            13 AES128 HEX:00112233445566778899AABBCCDDEEFE
            """;

    private Path dir;
    private Farm farm;
    private Chronyd chronyd;

    @BeforeAll
    void startFarm(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Requirements.chronyd();
        Path keys = Files.writeString(dir.resolve("farm.keys"), FARM_KEYS);
        farm = LocalFarm.start(dir, "symkeys", "keyfile " + keys);
    }

    @AfterAll
    void stopFarm() {
        if (farm != null) {
            farm.close();
        }
    }

    @BeforeEach
    void newChronyd() throws Exception {
        chronyd = Chronyd.in(dir);
    }

    @AfterEach
    void killChronyd() {
        chronyd.close();
    }

    private String measure(int keyId, String keyFileText) throws Exception {
        Path keys = Files.writeString(chronyd.dir.resolve("client.keys"), keyFileText);
        return chronyd.measureOnce(
                6,
                "server 127.0.0.1 port "
                        + farm.ntpPort()
                        + " key "
                        + keyId
                        + " iburst maxsamples 1",
                "keyfile " + keys);
    }

    @ParameterizedTest(name = "key {0}")
    @ValueSource(ints = {11, 12, 13})
    void authenticatedTimeForEachKeyKind(int keyId) throws Exception {
        long before = farm.stats().get(ServerCounter.AUTHENTICATED_NTP_PACKETS);
        String out = measure(keyId, FARM_KEYS);
        assertTrue(out.contains("System clock wrong by"), out);
        assertTrue(
                farm.stats().get(ServerCounter.AUTHENTICATED_NTP_PACKETS) > before,
                farm.stats().toString());
    }

    @ParameterizedTest(name = "key {0}")
    @ValueSource(ints = {11, 12, 13})
    void aWrongKeyGetsNoTime(int keyId) throws Exception {
        long before = farm.stats().get(ServerCounter.NTP_PACKETS_RECEIVED);
        String out = measure(keyId, WRONG_KEYS);
        assertFalse(out.contains("System clock wrong by"), out);
        assertTrue(out.contains("No suitable source") || out.contains("Timeout reached"), out);
        // the requests did arrive: the farm refused to authenticate them
        assertTrue(
                farm.stats().get(ServerCounter.NTP_PACKETS_RECEIVED) > before,
                farm.stats().toString());
    }
}
