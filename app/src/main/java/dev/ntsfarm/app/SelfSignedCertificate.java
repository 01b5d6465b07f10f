package dev.ntsfarm.app;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The all-in-one farm's TLS identity: a P-256 key and a self-signed certificate for {@code
 * localhost} and {@code 127.0.0.1}, which clients trust by naming it ({@code ntstrustedcerts} in
 * chronyd).
 *
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem the key, PKCS#8 PEM (secret: write it 0600)
 */
record SelfSignedCertificate(String certificatePem, String privateKeyPem) {

    /**
     * How long the certificate is valid; chronyd checks the dates unless told {@code
     * nocerttimecheck}.
     */
    static final Duration VALIDITY = Duration.ofDays(3650);

    static final String SUBJECT = "CN=localhost,O=ntsfarm";

    static SelfSignedCertificate generate(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair pair = kpg.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name(SUBJECT);
        BigInteger serial = new BigInteger(64, random).setBit(63);
        try {
            JcaX509v3CertificateBuilder b =
                    new JcaX509v3CertificateBuilder(
                            name,
                            serial,
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(VALIDITY)),
                            name,
                            pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(
                            new GeneralName[] {
                                new GeneralName(GeneralName.dNSName, "localhost"),
                                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            }));
            X509CertificateHolder holder =
                    b.build(
                            new JcaContentSignerBuilder("SHA256withECDSA")
                                    .build(pair.getPrivate()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            return new SelfSignedCertificate(
                    pem(cert), pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException(
                    "cannot make the self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    @Override
    public String toString() {
        return "SelfSignedCertificate[" + SUBJECT + "]";
    }
}
