package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;

/**
 * chronyd 4.3 on loopback as an NTS server with {@code local stratum 1}, for a clock agent to
 * synchronise from: never touches the clock ({@code -x}), every port, file and socket in a temporary
 * directory. Missing chronyd skips the test, or fails it when env CI is set. (The clock agent's tests
 * have the same helper; test classes do not cross modules.)
 */
final class ChronydServer implements AutoCloseable {

    public static final Path CHRONYD = Path.of("/usr/sbin/chronyd");
    public static final Path CHRONYC = Path.of("/usr/bin/chronyc");

    public final Path dir;
    public final int ntpPort;
    public final int ntsPort;
    public final Path cert;
    public final Path key;
    public final Path socket;
    private Process process;

    private ChronydServer(Path dir) throws Exception {
        this.dir = dir;
        this.ntpPort = freeUdpPort();
        this.ntsPort = freeTcpPort();
        this.cert = dir.resolve("cert.pem");
        this.key = dir.resolve("key.pem");
        this.socket = dir.resolve("run/chronyd.sock");
        selfSignedCertificate(cert, key);
    }

    /** Skips (or fails under CI) when chronyd is not installed. */
    public static void requireChronyd() {
        if (!Files.isExecutable(CHRONYD)) {
            if (System.getenv("CI") != null) {
                fail("chronyd is missing at " + CHRONYD + " and CI is set: install the chrony package");
            }
            Assumptions.abort("chronyd is not installed at " + CHRONYD);
        }
    }

    /** chronyd serving NTS and NTP with {@code extra} directives added. */
    public static ChronydServer start(Path dir, String... extra) throws Exception {
        requireChronyd();
        ChronydServer c = new ChronydServer(dir);
        c.launch(extra);
        return c;
    }

    private void launch(String... extra) throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        List<String> conf = new ArrayList<>(List.of(
                "port " + ntpPort, "ntsport " + ntsPort, "ntsserverkey " + key, "ntsservercert " + cert,
                "allow 127.0.0.1", "local stratum 1", "cmdport 0", "bindcmdaddress " + socket,
                "pidfile " + dir.resolve("chronyd.pid"), "ntsdumpdir " + dir.resolve("ntsdump")));
        conf.addAll(List.of(extra));
        Path confFile = dir.resolve("chronyd.conf");
        Files.write(confFile, conf);
        process = new ProcessBuilder(CHRONYD.toString(), "-x", "-d", "-F", "0", "-u", "root", "-f", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chronyd.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                fail("chronyd exited: " + Files.readString(dir.resolve("chronyd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", ntsPort), 200);
                return;
            } catch (IOException notYet) {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        fail("chronyd did not listen on NTS-KE port " + ntsPort + ": " + Files.readString(dir.resolve("chronyd.log")));
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("chronyd.log"));
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A self-signed EC P-256 certificate for 127.0.0.1 (SAN IP and DNS localhost), PEM, key PKCS#8. */
    public static void selfSignedCertificate(Path certFile, Path keyFile) throws Exception {
        selfSignedCertificate(certFile, keyFile, new Date(System.currentTimeMillis() - 86_400_000L),
                new Date(System.currentTimeMillis() + 30L * 86_400_000L));
    }

    /** The same, valid from {@code from} to {@code to}. */
    public static void selfSignedCertificate(Path certFile, Path keyFile, Date from, Date to) throws Exception {
        // Bouncy Castle's key encoding carries the curve and public key inside, which GnuTLS (chronyd) needs
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider());
        g.initialize(new ECGenParameterSpec("secp256r1"), new java.security.SecureRandom());
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=127.0.0.1");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new java.security.SecureRandom()).abs().add(BigInteger.ONE), from, to, name,
                kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        b.addExtension(Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new org.bouncycastle.asn1.x509.KeyUsage(
                org.bouncycastle.asn1.x509.KeyUsage.digitalSignature | org.bouncycastle.asn1.x509.KeyUsage.keyCertSign));
        java.security.cert.X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        Files.writeString(certFile, pem(cert));
        Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(kp.getPrivate(), null)));
    }

    private static String pem(Object o) throws Exception {
        java.io.StringWriter w = new java.io.StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }
}
