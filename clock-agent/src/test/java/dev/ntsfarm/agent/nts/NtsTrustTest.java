package dev.ntsfarm.agent.nts;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ntsfarm.testsupport.TestCertificate;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ntstrustedcerts, nosystemcert and nocerttimecheck. */
class NtsTrustTest {

    @TempDir Path dir;

    private X509Certificate cert(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void expiredCertificatePassesOnlyWhileTimeChecksAreOff() throws Exception {
        Instant now = Instant.now();
        Path expired =
                TestCertificate.create(
                                dir,
                                "expired",
                                now.minus(Duration.ofDays(30)),
                                now.minus(Duration.ofDays(1)))
                        .cert();
        AtomicBoolean checkTime = new AtomicBoolean(false);
        NtsTrust trust = NtsTrust.of(List.of(expired), false, checkTime::get);
        X509Certificate[] chain = {cert(expired)};
        assertDoesNotThrow(
                () -> trust.trustManager().checkServerTrusted(chain, "ECDHE_ECDSA"),
                "nocerttimecheck: dates ignored before the first clock updates");
        checkTime.set(true);
        assertThrows(
                CertificateException.class,
                () -> trust.trustManager().checkServerTrusted(chain, "ECDHE_ECDSA"));
    }

    @Test
    void onlyTrustedCertificatesPass() throws Exception {
        Path ours = TestCertificate.create(dir, "ours").cert();
        Path theirs = TestCertificate.create(dir, "theirs").cert();
        NtsTrust trust = NtsTrust.of(List.of(ours), false, () -> true);
        assertDoesNotThrow(
                () ->
                        trust.trustManager()
                                .checkServerTrusted(
                                        new X509Certificate[] {cert(ours)}, "ECDHE_ECDSA"));
        assertThrows(
                CertificateException.class,
                () ->
                        trust.trustManager()
                                .checkServerTrusted(
                                        new X509Certificate[] {cert(theirs)}, "ECDHE_ECDSA"));
        assertThrows(
                CertificateException.class,
                () -> NtsTrust.of(List.of(), false, () -> true),
                "nosystemcert without ntstrustedcerts trusts nothing");
    }
}
