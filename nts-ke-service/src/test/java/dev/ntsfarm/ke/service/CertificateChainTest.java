package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * chrony's {@code ntsservercert} habits: the certificate file carries the intermediates after the
 * server's certificate, and several key/certificate pairs are chosen by the name the client asks for
 * (SNI). The client trusts only the root, so a handshake proves the server sent the whole chain.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class CertificateChainTest {

    @TempDir
    Path dir;
    private NtsKeServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop().await();
        }
    }

    private record Issued(KeyPair keys, X509Certificate cert) { }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return gen.generateKeyPair();
    }

    /** A certificate for {@code subject}, signed by {@code issuer} (or by itself when null). */
    private static Issued issue(String subject, Issued issuer, boolean ca, String... dnsNames) throws Exception {
        KeyPair keys = ecKeys();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + subject);
        X500Name issuerName = issuer == null ? name
                : new X500Name(issuer.cert().getSubjectX500Principal().getName());
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
        if (dnsNames.length > 0) {
            GeneralName[] names = new GeneralName[dnsNames.length + 1];
            for (int i = 0; i < dnsNames.length; i++) {
                names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
            }
            names[dnsNames.length] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        KeyPair signer = issuer == null ? keys : issuer.keys();
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        return new Issued(keys, cert);
    }

    private static String pem(Object... objects) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                p.writeObject(o instanceof java.security.PrivateKey k ? new JcaPKCS8Generator(k, null) : o);
            }
        }
        return w.toString();
    }

    /** Writes the key and the chain (server certificate first, then the intermediate) as chrony reads them. */
    private NtsKeOptions.KeyCertPair pair(String name, Issued leaf, Issued intermediate) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path chain = dir.resolve(name + ".crt");
        Files.writeString(key, pem(leaf.keys().getPrivate()));
        Files.writeString(chain, pem(leaf.cert(), intermediate.cert()));
        return new NtsKeOptions.KeyCertPair(key, chain);
    }

    /** TLS 1.3 with ALPN ntske/1 to 127.0.0.1, asking for {@code sniName}, trusting {@code root} only. */
    private static SSLSocket connect(int port, Issued root, String sniName) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", root.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        p.setApplicationProtocols(new String[] {"ntske/1"});
        p.setServerNames(List.of(new SNIHostName(sniName)));
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    @Test
    void sendsTheIntermediatesAndPicksThePairByServerName(Vertx vertx) throws Exception {
        Issued root = issue("ntsfarm test root", null, true);
        Issued intermediate = issue("ntsfarm test intermediate", root, true);
        Issued first = issue("first.ntsfarm.test", intermediate, false, "first.ntsfarm.test");
        Issued second = issue("second.ntsfarm.test", intermediate, false, "second.ntsfarm.test");
        NtsKeOptions options = NtsKeOptions.defaults().withPort(0).withInstances(1)
                .withBindAddresses(List.of("127.0.0.1"))
                .withKeyCertPairs(List.of(pair("first", first, intermediate), pair("second", second, intermediate)));
        server = new NtsKeServer(vertx, options, KeyRingSource.of(NtsKeServerTest.RING), new ServerStats());
        int port = server.start().await().getFirst();

        for (Issued expected : List.of(first, second)) {
            String name = expected.cert().getSubjectX500Principal().getName().substring("CN=".length());
            try (SSLSocket s = connect(port, root, name)) {
                var chain = s.getSession().getPeerCertificates();
                assertEquals(2, chain.length, "the server's certificate and the intermediate");
                assertEquals(expected.cert(), chain[0], "the pair for " + name);
                assertEquals(intermediate.cert(), chain[1]);
                // and NTS-KE works over it
                KeClientRequest request = KeClientRequest.builder().aeads(AeadAlgorithm.AES_SIV_CMAC_256).build();
                s.getOutputStream().write(request.encode());
                s.getOutputStream().flush();
                byte[] response = s.getInputStream().readAllBytes();
                var frame = assertInstanceOf(dev.ntsfarm.core.ke.KeFrame.Complete.class,
                        dev.ntsfarm.core.ke.KeRecordFramer.frame(response, 0, response.length));
                var accepted = assertInstanceOf(KeResponseResult.Accepted.class,
                        dev.ntsfarm.core.ke.KeResponseParser.parse(frame.records(), request));
                assertEquals(8, accepted.cookies().size());
            }
        }
    }
}
