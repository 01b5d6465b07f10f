package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.ChronydClientDump;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.TestCertificate;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * chronyd 4.3 as the NTS-KE client: {@code chronyd -Q} with an {@code nts} source pointed at this
 * service. No NTP responder listens here (that is ntp-service's part), so chronyd gets no time;
 * what proves the key exchange is chronyd's own client dump in {@code ntsdumpdir}: the AEAD, the
 * C2S and S2C keys it exported and the cookies it kept, which must open under our ring to those
 * same keys.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ChronydNtsKeClientTest {

    @TempDir Path dir;
    private Chronyd chronyd;

    @AfterEach
    void killChronyd() {
        if (chronyd != null) {
            chronyd.close();
        }
    }

    @Test
    void chronydObtainsCookiesThatOpenToTheKeysItExported(Vertx vertx) throws Exception {
        chronyd = Chronyd.in(dir);
        TestCertificate certs = TestCertificate.create(dir, "nts-ke");
        ServerStats stats = new ServerStats();
        NtsKeServer server =
                new NtsKeServer(
                        vertx,
                        NtsKeOptions.defaults()
                                .withPort(0)
                                .withInstances(1)
                                .withKeyCertPairs(
                                        List.of(
                                                new NtsKeOptions.KeyCertPair(
                                                        certs.key(), certs.cert()))),
                        KeyRingSource.of(NtsKeServerTest.RING),
                        stats);
        int kePort = server.start().await().getFirst();
        try {
            int ntpPort = Ports.freeUdp(); // nothing will answer there
            Path dump = Files.createDirectory(chronyd.dir.resolve("nts"));
            String out =
                    chronyd.measureOnce(
                            8,
                            "server 127.0.0.1 port "
                                    + ntpPort
                                    + " ntsport "
                                    + kePort
                                    + " nts iburst maxsamples 1",
                            "ntstrustedcerts " + certs.cert(),
                            "nosystemcert",
                            "ntsdumpdir " + dump,
                            "port 0",
                            "cmdport 0");
            assertEquals(1, stats.get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED), out);

            ChronydClientDump d = ChronydClientDump.readOnly(dump);
            assertEquals(
                    AeadAlgorithm.AES_SIV_CMAC_256.id(),
                    d.aeadId(),
                    "Debian's chrony 4.3 negotiates 15");
            // 8 came from us; chronyd spends one per NTP request it sends while nothing answers
            // them
            assertTrue(
                    d.cookies().size() >= 1 && d.cookies().size() <= 8,
                    "cookies chronyd kept: " + d.cookies().size());
            CookieCodec codec =
                    new CookieCodec(NtsKeServerTest.RING, NonceSource.of(new SecureRandom()));
            for (byte[] cookie : d.cookies()) {
                SessionKeys keys = new SessionKeys();
                assertTrue(
                        codec.open(cookie, 0, cookie.length, keys),
                        "chronyd's cookie opens under our ring");
                assertEquals(
                        HexFormat.of().formatHex(d.c2s()),
                        HexFormat.of().formatHex(keys.c2s()),
                        "the C2S key chronyd exported is the one sealed in the cookie");
                assertEquals(
                        HexFormat.of().formatHex(d.s2c()), HexFormat.of().formatHex(keys.s2c()));
            }
        } finally {
            server.stop().await();
        }
    }
}
