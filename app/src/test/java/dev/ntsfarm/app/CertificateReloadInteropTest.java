package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.file.PrivateFile;
import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.Requirements;
import dev.ntsfarm.testsupport.farm.FarmProcess;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewed certificate without a restart, as an operator does it: new files on disk, then SIGHUP
 * to the running {@code ntsfarm up}. The same process presents the new certificate to the next
 * NTS-KE client, chronyd trusting only the new one gets NTS time, a broken replacement leaves the
 * new one serving, no SIGHUP stops the process, and SIGTERM stops it cleanly.
 */
@Timeout(240)
class CertificateReloadInteropTest {

    @TempDir Path dir;
    private Chronyd chronyd;
    private FarmProcess farm;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.chronyd();
        chronyd = Chronyd.in(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        chronyd.close();
        if (farm != null) {
            farm.kill();
        }
    }

    private FarmProcess startUp(String... directives) throws Exception {
        return FarmProcess.of("up", dir, Map.of(), "up", directives).start();
    }

    private static String awaitLog(Path log, String text, int occurrences) throws Exception {
        String out =
                Await.until(
                        Duration.ofSeconds(90),
                        Duration.ofMillis(200),
                        () -> Files.readString(log),
                        t -> count(t, text) >= occurrences || t.contains("cannot start"));
        assertTrue(count(out, text) >= occurrences, "'" + text + "' in\n" + out);
        return out;
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void signal(FarmProcess p, String signal) throws Exception {
        p.signal(signal);
    }

    /**
     * The certificate the NTS-KE port presents to a client that offers ntske/1 and trusts anything.
     */
    private static X509Certificate presented(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {
                            // this test compares what it is shown; chronyd below does the real
                            // verification
                        }

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            // generous: a loaded 2-core machine can take seconds over a first handshake
            s.connect(new InetSocketAddress("127.0.0.1", port), 20_000);
            s.setSoTimeout(20_000);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            p.setApplicationProtocols(new String[] {"ntske/1"});
            s.setSSLParameters(p);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static byte[] der(SelfSignedCertificate c) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificate(
                        new ByteArrayInputStream(
                                c.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                .getEncoded();
    }

    private static void install(SelfSignedCertificate c, Path key, Path cert) throws Exception {
        Path k = key.resolveSibling("key.new");
        PrivateFile.write(k, c.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
        Files.move(k, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path t = cert.resolveSibling("cert.new");
        Files.writeString(t, c.certificatePem());
        Files.move(t, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String chronydWith(int ntpPort, int kePort, Path trusted) throws Exception {
        return chronyd.measureOnce(
                10,
                "server 127.0.0.1 port "
                        + ntpPort
                        + " ntsport "
                        + kePort
                        + " iburst nts maxsamples 1",
                "ntstrustedcerts " + trusted);
    }

    @Test
    void sighupPutsTheNewCertificateInForceAndABrokenOneIsRefused() throws Exception {
        SecureRandom random = new SecureRandom();
        SelfSignedCertificate old = SelfSignedCertificate.generate(random);
        SelfSignedCertificate renewed = SelfSignedCertificate.generate(random);
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        install(old, key, cert);
        Path oldCert = Files.writeString(dir.resolve("old.pem"), old.certificatePem());
        Path newCert = Files.writeString(dir.resolve("new.pem"), renewed.certificatePem());

        int ntpPort = Ports.freeUdpAndTcp();
        int kePort = Ports.freeTcp();
        farm =
                startUp(
                        "port " + ntpPort,
                        "ntsport " + kePort,
                        "cmdport 0",
                        "metricsport 0",
                        "ntsserverkey " + key,
                        "ntsservercert " + cert,
                        "ntsdumpdir " + dir.resolve("var"),
                        "cluster name reload-" + ProcessHandle.current().pid());
        Path log = farm.logFile();
        awaitLog(log, ": running", 1);

        assertArrayEquals(der(old), presented(kePort).getEncoded());
        assertTrue(
                chronydWith(ntpPort, kePort, oldCert).contains("System clock wrong by"),
                Files.readString(log));

        install(renewed, key, cert);
        signal(farm, "HUP");
        awaitLog(log, "SIGHUP: NTS-KE certificates reloaded", 1);
        assertTrue(farm.isAlive(), "SIGHUP never stops a service");
        assertArrayEquals(der(renewed), presented(kePort).getEncoded());
        String trustsNew = chronydWith(ntpPort, kePort, newCert);
        assertTrue(trustsNew.contains("System clock wrong by"), trustsNew + Files.readString(log));

        // a truncated certificate: refused, said so, and the renewed one goes on serving
        String pem = renewed.certificatePem();
        Files.writeString(cert, pem.substring(0, pem.length() / 2));
        signal(farm, "HUP");
        String text = awaitLog(log, "SIGHUP: NTS-KE certificates not reloaded", 1);
        assertTrue(text.contains("ntsservercert " + cert), text);
        assertTrue(farm.isAlive(), "a broken certificate never stops a service");
        assertArrayEquals(der(renewed), presented(kePort).getEncoded());
        assertTrue(
                chronydWith(ntpPort, kePort, newCert).contains("System clock wrong by"),
                Files.readString(log));
        assertFalse(
                Files.readString(log)
                        .contains(
                                renewed.privateKeyPem().lines().skip(1).findFirst().orElseThrow()),
                "no key in the log");

        signal(farm, "TERM");
        assertEquals(0, farm.awaitExit(Duration.ofSeconds(60)), Files.readString(log));
        assertTrue(Files.readString(log).contains("ntsfarm up: stopping"), Files.readString(log));
    }
}
