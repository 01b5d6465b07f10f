package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.testsupport.TestCertificate;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NTS-KE exchanges with a JDK TLS client: cookies, exported keys, negotiation records, refusals.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class NtsKeServerTest {

    static final long SLOT = 4242;
    static final MasterKeyRing RING =
            MasterKeyRing.of(
                    FarmSecret.of("the farm secret of the KE tests!!".getBytes()),
                    SLOT,
                    Map.of(SLOT, new byte[32]));

    @TempDir Path dir;
    TestCertificate certs;
    ServerStats stats;
    NtsKeServer server;
    int port;

    @BeforeEach
    void certs() throws Exception {
        certs = TestCertificate.create(dir, "nts-ke");
        stats = new ServerStats();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop().await();
        }
    }

    NtsKeOptions options() {
        return NtsKeOptions.defaults()
                .withPort(0)
                .withInstances(2)
                .withAeads(
                        List.of(
                                AeadAlgorithm.AES_128_GCM_SIV,
                                AeadAlgorithm.AES_SIV_CMAC_256,
                                AeadAlgorithm.AES_SIV_CMAC_384,
                                AeadAlgorithm.AES_SIV_CMAC_512))
                .withKeyCertPairs(List.of(new NtsKeOptions.KeyCertPair(certs.key(), certs.cert())));
    }

    void start(Vertx vertx, NtsKeOptions options) {
        server = new NtsKeServer(vertx, options, KeyRingSource.of(RING), stats);
        List<Integer> ports = server.start().await();
        assertEquals(1, ports.size());
        port = ports.getFirst();
        assertTrue(port > 0);
    }

    static KeClientRequest request(AeadAlgorithm... aeads) {
        return KeClientRequest.builder().aeads(aeads).build();
    }

    @ParameterizedTest(name = "AEAD {0}, record 1024 {1}")
    @CsvSource({
        "AES_SIV_CMAC_256, false",
        "AES_SIV_CMAC_384, false",
        "AES_SIV_CMAC_512, false",
        "AES_128_GCM_SIV, false",
        "AES_128_GCM_SIV, true"
    })
    void eightCookiesOpenToTheKeysTheClientExports(
            AeadAlgorithm aead, boolean compliant, Vertx vertx) throws Exception {
        start(vertx, options());
        try (KeTestClient client = KeTestClient.connect(port, certs)) {
            KeResponseResult r =
                    client.exchange(
                            KeClientRequest.builder()
                                    .aeads(aead)
                                    .compliantGcmSiv(compliant)
                                    .build());
            KeResponseResult.Accepted a = assertInstanceOf(KeResponseResult.Accepted.class, r);
            assertEquals(aead, a.aead());
            assertEquals(compliant, a.compliantGcmSiv(), "record 1024 echoed only when sent");
            assertEquals(8, a.cookies().size());
            byte[][] keys = client.exportKeys(aead, a.compliantGcmSiv());
            CookieCodec codec = new CookieCodec(RING, NonceSource.of(new SecureRandom()));
            for (byte[] cookie : a.cookies()) {
                assertEquals(CookieCodec.cookieLength(aead), cookie.length);
                SessionKeys opened = new SessionKeys();
                assertTrue(codec.open(cookie, 0, cookie.length, opened));
                assertEquals(aead, opened.algorithm());
                assertArrayEquals(keys[0], opened.c2s(), "C2S as the client exported it");
                assertArrayEquals(keys[1], opened.s2c(), "S2C as the client exported it");
            }
            assertEquals(
                    8, a.cookies().stream().map(java.util.Arrays::toString).distinct().count());
        }
        assertEquals(1, stats.get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED));
    }

    @Test
    void serverPreferenceDecidesAndNegotiationRecordsAreSent(Vertx vertx) throws Exception {
        start(
                vertx,
                options()
                        .withAeads(
                                List.of(
                                        AeadAlgorithm.AES_SIV_CMAC_512,
                                        AeadAlgorithm.AES_SIV_CMAC_256))
                        .withNtpServer(Optional.of("ntp.example.net"))
                        .withNtpPort(OptionalInt.of(11123)));
        try (KeTestClient client = KeTestClient.connect(port, certs)) {
            var a =
                    assertInstanceOf(
                            KeResponseResult.Accepted.class,
                            client.exchange(
                                    request(
                                            AeadAlgorithm.AES_SIV_CMAC_256,
                                            AeadAlgorithm.AES_SIV_CMAC_512)));
            assertEquals(AeadAlgorithm.AES_SIV_CMAC_512, a.aead());
            assertEquals(Optional.of("ntp.example.net"), a.server());
            assertEquals(OptionalInt.of(11123), a.port());
        }
        try (KeTestClient client = KeTestClient.connect(port, certs)) {
            var n =
                    assertInstanceOf(
                            KeResponseResult.NoAgreement.class,
                            client.exchange(request(AeadAlgorithm.AES_128_GCM_SIV)));
            assertTrue(n.reason().contains("AEAD"), n.reason());
        }
    }

    @Test
    void chronysDefaultAeadsAreThirtyThenFifteen(Vertx vertx) throws Exception {
        start(vertx, options().withAeads(NtsKeOptions.DEFAULT_AEADS));
        try (KeTestClient client = KeTestClient.connect(port, certs)) {
            var a =
                    assertInstanceOf(
                            KeResponseResult.Accepted.class,
                            client.exchange(
                                    request(
                                            AeadAlgorithm.AES_SIV_CMAC_256,
                                            AeadAlgorithm.AES_128_GCM_SIV)));
            assertEquals(AeadAlgorithm.AES_128_GCM_SIV, a.aead());
        }
    }

    @Test
    void listensOnIpv4AndIpv6ByDefault(Vertx vertx) throws Exception {
        start(vertx, options());
        for (String host : List.of("127.0.0.1", "::1")) {
            try (KeTestClient client =
                    KeTestClient.connect(host, port, certs, List.of("ntske/1"))) {
                assertInstanceOf(
                        KeResponseResult.Accepted.class,
                        client.exchange(request(AeadAlgorithm.AES_SIV_CMAC_256)),
                        host);
            }
        }
    }

    @Test
    void aClientWithoutAlpnGetsNothing(Vertx vertx) throws Exception {
        start(vertx, options());
        try (KeTestClient client = KeTestClient.connect("127.0.0.1", port, certs, List.of())) {
            client.send(request(AeadAlgorithm.AES_SIV_CMAC_256).encode());
            byte[] answer = client.readToEnd();
            assertNotNull(answer, "closed, not left hanging");
            assertEquals(0, answer.length, "no NTS-KE answer without ntske/1");
        }
        stillAnswers();
    }

    @Test
    void anotherAlpnOrTls12FailsTheHandshake(Vertx vertx) throws Exception {
        start(vertx, options());
        assertThrows(
                SSLException.class,
                () -> KeTestClient.connect("127.0.0.1", port, certs, List.of("http/1.1")).close());
        assertThrows(
                SSLException.class,
                () ->
                        KeTestClient.connect(
                                        "127.0.0.1", port, certs, List.of("ntske/1"), "TLSv1.2")
                                .close());
        stillAnswers();
    }

    @Test
    void maxntsconnectionsDropsTheConnectionOverTheLimit(Vertx vertx) throws Exception {
        start(vertx, options().withMaxConnections(2));
        try (KeTestClient a = KeTestClient.connect(port, certs);
                KeTestClient b = KeTestClient.connect(port, certs)) {
            a.send(new byte[] {(byte) 0x80, 1}); // half a record: both sessions stay open
            b.send(new byte[] {(byte) 0x80, 1});
            pollUntil(() -> server.openSessions() == 2);
            try (KeTestClient c = KeTestClient.connect(port, certs)) {
                c.send(request(AeadAlgorithm.AES_SIV_CMAC_256).encode());
                byte[] answer = c.readToEnd();
                assertNotNull(answer);
                assertEquals(0, answer.length);
            }
            assertEquals(1, stats.get(ServerCounter.NTS_KE_CONNECTIONS_DROPPED));
        }
        pollUntil(() -> server.openSessions() == 0);
        stillAnswers();
    }

    @Test
    void ntsratelimitDropsAnAddressOverItsBurst(Vertx vertx) throws Exception {
        // a token every 2^12 s, a burst of 3, and one in 16 limited attempts let through
        start(
                vertx,
                options()
                        .withRateLimit(
                                Optional.of(new dev.ntsfarm.core.config.RateLimit(12, 3, 4))));
        int answered = 0;
        for (int i = 0; i < 6; i++) {
            try (KeTestClient client = KeTestClient.connect(port, certs)) {
                client.send(request(AeadAlgorithm.AES_SIV_CMAC_256).encode());
                byte[] answer = client.readToEnd();
                if (answer != null && answer.length > 0) {
                    answered++;
                }
            }
        }
        assertEquals(3, answered);
        assertEquals(3, stats.get(ServerCounter.NTS_KE_CONNECTIONS_DROPPED));
        assertEquals(3, stats.get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED));
    }

    @Test
    void noCertificateIsAClearError(Vertx vertx) {
        server =
                new NtsKeServer(
                        vertx,
                        options().withKeyCertPairs(List.of()),
                        KeyRingSource.of(RING),
                        stats);
        Throwable e = assertThrows(Exception.class, () -> server.start().await());
        assertEquals(
                "no certificate for NTS-KE (expected: ntsserverkey FILE and ntsservercert FILE)",
                e.getMessage());
    }

    void stillAnswers() throws Exception {
        try (KeTestClient client = KeTestClient.connect(port, certs)) {
            var a =
                    assertInstanceOf(
                            KeResponseResult.Accepted.class,
                            client.exchange(request(AeadAlgorithm.AES_SIV_CMAC_256)));
            assertEquals(8, a.cookies().size());
        }
    }

    static void pollUntil(java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.onSpinWait();
            Thread.sleep(5);
        }
    }
}
