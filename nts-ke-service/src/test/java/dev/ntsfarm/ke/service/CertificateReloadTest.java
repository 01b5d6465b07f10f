package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.testsupport.TestCertificate;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP's work in the NTS-KE service: new certificate files on disk are read again; the next
 * session gets the new chain, a session already past its handshake finishes, and a broken
 * replacement is refused with a message naming the file while the old pair goes on serving.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificateReloadTest {

    @TempDir Path dir;

    private static final KeClientRequest REQUEST =
            KeClientRequest.builder().aeads(AeadAlgorithm.AES_SIV_CMAC_256).build();

    private static X509Certificate presented(KeTestClient c) throws Exception {
        return (X509Certificate) c.socket.getSession().getPeerCertificates()[0];
    }

    private static void install(TestCertificate from, Path key, Path cert) throws Exception {
        // as an operator's tooling does: write beside, then rename over
        Files.copy(from.key(), key.resolveSibling("key.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(
                key.resolveSibling("key.tmp"),
                key,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.copy(
                from.cert(), cert.resolveSibling("cert.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(
                cert.resolveSibling("cert.tmp"),
                cert,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void newSessionsGetTheNewChainAndABrokenOneIsRefused(Vertx vertx) throws Exception {
        TestCertificate first = TestCertificate.create(dir, "first");
        TestCertificate second = TestCertificate.create(dir, "second");
        TestCertificate third = TestCertificate.create(dir, "third");
        Path key = dir.resolve("server.key");
        Path cert = dir.resolve("server.crt");
        install(first, key, cert);
        NtsKeServer server =
                new NtsKeServer(
                        vertx,
                        NtsKeOptions.defaults()
                                .withPort(0)
                                .withInstances(2)
                                .withKeyCertPairs(List.of(new NtsKeOptions.KeyCertPair(key, cert))),
                        KeyRingSource.of(NtsKeServerTest.RING),
                        new ServerStats());
        int port = server.start().await().getFirst();

        KeTestClient inFlight = KeTestClient.connect(port, first);
        assertEquals(first.certificate(), presented(inFlight));

        install(second, key, cert);
        String now = server.reloadCertificates().await();
        assertTrue(now.contains("CN=second"), now);

        // the session that began before the reload finishes with the old chain
        assertInstanceOf(KeResponseResult.Accepted.class, inFlight.exchange(REQUEST));
        inFlight.close();
        // every event loop's listener hands out the new chain (several sessions, two instances)
        for (int i = 0; i < 4; i++) {
            try (KeTestClient next = KeTestClient.connect(port, second)) {
                assertEquals(second.certificate(), presented(next));
                assertInstanceOf(KeResponseResult.Accepted.class, next.exchange(REQUEST));
            }
        }
        assertThrows(SSLHandshakeException.class, () -> KeTestClient.connect(port, first).close());

        // broken replacements: a truncated certificate, then a key that belongs to another
        // certificate
        String good = Files.readString(cert);
        Files.writeString(cert, good.substring(0, good.length() / 2));
        IllegalStateException truncated =
                assertThrows(
                        IllegalStateException.class, () -> server.reloadCertificates().await());
        assertTrue(
                truncated.getMessage().contains("ntsservercert " + cert), truncated.getMessage());
        assertTrue(truncated.getMessage().contains("stay: CN=second"), truncated.getMessage());

        Files.copy(third.key(), key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(second.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
        IllegalStateException mismatched =
                assertThrows(
                        IllegalStateException.class, () -> server.reloadCertificates().await());
        assertTrue(
                mismatched.getMessage().contains("does not belong to the first certificate"),
                mismatched.getMessage());
        String keyText = Files.readString(third.key());
        String body = keyText.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertFalse(mismatched.getMessage().contains(body), "the key is never quoted");

        try (KeTestClient still = KeTestClient.connect(port, second)) {
            assertEquals(second.certificate(), presented(still));
            assertInstanceOf(KeResponseResult.Accepted.class, still.exchange(REQUEST));
        }
        server.stop().await();
    }

    @Test
    void aBrokenPairAtStartSaysWhich(Vertx vertx) throws Exception {
        TestCertificate a = TestCertificate.create(dir, "a");
        TestCertificate b = TestCertificate.create(dir, "b");
        NtsKeServer server =
                new NtsKeServer(
                        vertx,
                        NtsKeOptions.defaults()
                                .withPort(0)
                                .withKeyCertPairs(
                                        List.of(new NtsKeOptions.KeyCertPair(a.key(), b.cert()))),
                        KeyRingSource.of(NtsKeServerTest.RING),
                        new ServerStats());
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> server.start().await());
        assertTrue(
                e.getMessage().contains("ntsserverkey " + a.key() + " does not belong"),
                e.getMessage());
    }
}
