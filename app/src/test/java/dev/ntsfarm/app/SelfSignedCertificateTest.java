package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfSignedCertificateTest {

    @Test
    void p256ForLocalhostAnd127001() throws Exception {
        SelfSignedCertificate c = SelfSignedCertificate.generate(new SecureRandom());
        X509Certificate cert =
                (X509Certificate)
                        CertificateFactory.getInstance("X.509")
                                .generateCertificate(
                                        new ByteArrayInputStream(
                                                c.certificatePem()
                                                        .getBytes(StandardCharsets.US_ASCII)));
        cert.verify(cert.getPublicKey());
        cert.checkValidity();
        assertEquals(
                256,
                ((ECPublicKey) cert.getPublicKey())
                        .getParams()
                        .getCurve()
                        .getField()
                        .getFieldSize());
        assertEquals(
                List.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")),
                cert.getSubjectAlternativeNames().stream().toList());
        assertTrue(c.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
        assertTrue(!c.toString().contains("PRIVATE"));
    }
}
