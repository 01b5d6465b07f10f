package dev.ntsfarm.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An EC P-256 test certificate and its key, written as PEM the way chrony reads them: the key as
 * PKCS#8 in {@link #key()}, and in {@link #cert()} the certificate followed by its intermediates
 * ({@code ntsservercert}'s habit), the root left out.
 *
 * <p>{@link #create} makes the usual one: self-signed, for {@code localhost}, {@code 127.0.0.1} and
 * {@code ::1}, valid from a day ago for 30 days. {@link #authority} and {@link #issue} make chains.
 *
 * @param key the PKCS#8 key file
 * @param cert the certificate file (chain without the root)
 * @param certificate this certificate
 * @param keys its key pair
 * @param chain this certificate, then its intermediates (what {@link #cert()} holds)
 */
public record TestCertificate(
        Path key,
        Path cert,
        X509Certificate certificate,
        KeyPair keys,
        List<X509Certificate> chain) {

    /** The names every default certificate carries (a DNS name, then IP addresses). */
    public static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

    static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    // Bouncy Castle's EC key encoding carries the curve and the public key, which GnuTLS (chronyd)
    // needs
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A self-signed certificate {@code CN=name} for the loopback names, as {@code dir/name.key} and
     * {@code .crt}.
     */
    public static TestCertificate create(Path dir, String name)
            throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        return create(dir, name, now.minus(Duration.ofDays(1)), now.plus(DEFAULT_VALIDITY));
    }

    /** The same, valid from {@code notBefore} to {@code notAfter} (an expired one, say). */
    public static TestCertificate create(Path dir, String name, Instant notBefore, Instant notAfter)
            throws IOException, GeneralSecurityException {
        return make(dir, name, null, false, notBefore, notAfter, LOOPBACK_NAMES);
    }

    /** A self-signed certificate authority {@code CN=name}, to {@link #issue} others. */
    public static TestCertificate authority(Path dir, String name)
            throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        return make(
                dir,
                name,
                null,
                true,
                now.minus(Duration.ofDays(1)),
                now.plus(DEFAULT_VALIDITY),
                List.of());
    }

    /**
     * A certificate {@code CN=name} signed by this one: an intermediate authority when {@code ca},
     * otherwise a server certificate for {@code names} (DNS names or IP literals).
     */
    public TestCertificate issue(Path dir, String name, boolean ca, String... names)
            throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        return make(
                dir,
                name,
                this,
                ca,
                now.minus(Duration.ofDays(1)),
                now.plus(DEFAULT_VALIDITY),
                List.of(names));
    }

    /** Trust managers that trust this certificate alone (as a root). */
    public TrustManagerFactory trust() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("test", certificate);
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    private boolean selfSigned() {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    private static TestCertificate make(
            Path dir,
            String name,
            TestCertificate issuer,
            boolean ca,
            Instant notBefore,
            Instant notAfter,
            List<String> names)
            throws IOException, GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC", BC);
        gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair keys = gen.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        X500Name issuerName =
                issuer == null
                        ? subject
                        : X500Name.getInstance(
                                issuer.certificate.getSubjectX500Principal().getEncoded());
        JcaX509v3CertificateBuilder b =
                new JcaX509v3CertificateBuilder(
                        issuerName,
                        new BigInteger(64, RANDOM).add(BigInteger.ONE),
                        Date.from(notBefore),
                        Date.from(notAfter),
                        subject,
                        keys.getPublic());
        X509Certificate certificate;
        try {
            b.addExtension(
                    Extension.basicConstraints, true, new BasicConstraints(ca || issuer == null));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(
                            ca
                                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                                    : KeyUsage.digitalSignature
                                            | (issuer == null ? KeyUsage.keyCertSign : 0)));
            if (!names.isEmpty()) {
                b.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(
                                names.stream()
                                        .map(TestCertificate::generalName)
                                        .toArray(GeneralName[]::new)));
            }
            PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys.getPrivate();
            certificate =
                    new JcaX509CertificateConverter()
                            .getCertificate(
                                    b.build(
                                            new JcaContentSignerBuilder("SHA256withECDSA")
                                                    .build(signer)));
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot make the test certificate " + name, e);
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        if (issuer != null && !issuer.selfSigned()) {
            chain.addAll(issuer.chain);
        }
        Path keyFile = dir.resolve(name + ".key");
        Path certFile = dir.resolve(name + ".crt");
        Files.writeString(keyFile, pem(List.of(new JcaPKCS8Generator(keys.getPrivate(), null))));
        Files.writeString(certFile, pem(chain));
        return new TestCertificate(keyFile, certFile, certificate, keys, List.copyOf(chain));
    }

    private static GeneralName generalName(String name) {
        boolean ip =
                name.contains(":") || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }

    private static String pem(List<?> objects) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                p.writeObject(o instanceof JcaPKCS8Generator g ? g.generate() : o);
            }
        }
        return w.toString();
    }
}
