package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.file.PrivateFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ntsfarm validate}: each kind of mistake gives its {@code FILE:LINE:} line and exit 1; a
 * good file exit 0.
 */
class ValidateCommandTest {

    @TempDir static Path dir;
    private static Path key;
    private static Path cert;
    private static Path otherCert;
    private static Path keys;
    private static Path badKeys;
    private static Path secret;
    private static Path shortSecret;
    private static Path brokenCert;

    @BeforeEach
    void files() throws Exception {
        if (key != null) {
            return;
        }
        SecureRandom random = new SecureRandom();
        SelfSignedCertificate a = SelfSignedCertificate.generate(random);
        SelfSignedCertificate b = SelfSignedCertificate.generate(random);
        key = dir.resolve("key.pem");
        PrivateFile.write(key, a.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
        cert = Files.writeString(dir.resolve("cert.pem"), a.certificatePem());
        otherCert = Files.writeString(dir.resolve("other.pem"), b.certificatePem());
        brokenCert =
                Files.writeString(dir.resolve("broken.pem"), a.certificatePem().substring(0, 200));
        keys = dir.resolve("good.keys");
        PrivateFile.write(
                keys,
                "1 SHA1 HEX:00112233445566778899AABBCCDDEEFF00112233\n"
                        .getBytes(StandardCharsets.US_ASCII));
        badKeys = dir.resolve("bad.keys");
        PrivateFile.write(
                badKeys,
                "1 SHA1 HEX:00112233445566778899AABBCCDDEEFF00112233\n2 SHA1 HEX:C0FFEE5\n"
                        .getBytes(StandardCharsets.US_ASCII));
        secret = dir.resolve("farm.secret");
        PrivateFile.write(secret, new byte[32]);
        shortSecret = dir.resolve("short.secret");
        PrivateFile.write(shortSecret, new byte[3]);
    }

    private record Run(int status, String out, String err) {}

    private static Run validate(String text) throws Exception {
        Path conf = dir.resolve("t.conf");
        Files.writeString(
                conf,
                text.replace("@KEY@", key.toString())
                        .replace("@OTHERCERT@", otherCert.toString())
                        .replace("@BROKENCERT@", brokenCert.toString())
                        .replace("@CERT@", cert.toString())
                        .replace("@BADKEYS@", badKeys.toString())
                        .replace("@GOODKEYS@", keys.toString())
                        .replace("@SHORTSECRET@", shortSecret.toString())
                        .replace("@SECRET@", secret.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                Main.run(
                        new String[] {"validate", "-f", conf.toString()},
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aGoodConfigurationExitsZero() throws Exception {
        Run r =
                validate(
                        """
                # every role's directives in one file
                ntsport 4460
                ntsserverkey @KEY@
                ntsservercert @CERT@
                farmsecret @SECRET@
                keyfile @GOODKEYS@
                port 123
                allow 10.0.0.0/8
                local stratum 1
                cluster name ntsfarm
                cluster heartbeat 10
                cluster merge 30
                metricsport 9975
                bindmetricsaddress 127.0.0.1
                pidfile /run/ntsfarm/up.pid
                server time.example.com iburst nts
                """);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().endsWith("t.conf: 15 directives, no mistakes\n"), r.out());
        assertEquals("", r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unknown directive       | servr time.example.com         | t.conf:1: unknown directive 'servr'",
                "refused directive       | sourcedir /etc/chrony/sources.d | t.conf:1: sourcedir: not supported",
                "missing argument        | ntsport                        | t.conf:1: ntsport: expected 1 argument, got 0",
                "number out of range     | metricsport 99999              | t.conf:1: metricsport: expected a port number from 0 to 65535",
                "not a number            | ntsrotate often                | t.conf:1: ntsrotate: expected",
                "not an address          | bindaddress example.com        | t.conf:1: bindaddress: expected an IPv4 or IPv6 address",
                "unknown source option   | server a.example burstt        | t.conf:1: server: unknown option 'burstt'",
                "bad access rule         | allow 10.0.0.0/33              | t.conf:1: allow:",
                "key without certificate | ntsserverkey @KEY@               | t.conf:1: ntsserverkey: expected as many ntsserverkey as ntsservercert",
                "key of another cert     | ntsserverkey @KEY@\\nntsservercert @OTHERCERT@ | t.conf:2: ntsservercert: ntsserverkey",
                "broken certificate      | ntsserverkey @KEY@\\nntsservercert @BROKENCERT@ | t.conf:2: ntsservercert: ntsserverkey",
                "malformed key file line | keyfile @BADKEYS@                | bad.keys:2: key 2: expected an even number of hex digits after HEX: (the key is not shown)",
                "key file without a name | keyfile                        | t.conf:1: keyfile: expected 1 argument, got 0",
                "short farm secret       | farmsecret @SHORTSECRET@         | t.conf:1: farmsecret:",
                "bad pidfile             | pidfile a b                    | t.conf:1: pidfile: expected 1 argument, got 2",
                "bad log format          | logformat xml                  | t.conf:1: logformat: expected text or json",
                "refused log             | log tracking                   | t.conf:1: log: not supported",
                "bad cluster member      | cluster member nowhere:99999   | t.conf:1: cluster:",
                "bad cluster heartbeat   | cluster heartbeat 1            | t.conf:1: cluster: expected a heartbeat timeout in seconds from 2 to 3600",
            })
    void eachKindOfMistakeNamesItsFileAndLine(String kind, String text, String expected)
            throws Exception {
        Run r = validate(text.replace("\\n", "\n") + "\n");
        assertEquals(1, r.status(), kind + ": " + r.out());
        assertTrue(
                r.err().lines().anyMatch(l -> l.startsWith(dir + "/" + expected)),
                kind + ":\n" + r.err());
        assertFalse(r.err().contains("C0FFEE"), "a key is never quoted");
        assertFalse(r.err().contains("Exception\n") || r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void everyFaultyLineIsReportedAtOnce() throws Exception {
        Run r = validate("port 123\nntsport x\nallow 10.0.0.0/8\nmetricsport -1\nservr a\n");
        assertEquals(1, r.status());
        List<String> lines = r.err().lines().toList();
        assertTrue(
                lines.stream()
                        .anyMatch(
                                l -> l.startsWith(dir.resolve("t.conf") + ":5: unknown directive")),
                r.err());
        // unknown directives stop the file before the readers; fixed, the rest shows
        r = validate("port 123\nntsport x\nallow 10.0.0.0/8\nmetricsport -1\n");
        lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith(dir.resolve("t.conf") + ":2: ntsport:"), r.err());
        assertTrue(lines.get(1).startsWith(dir.resolve("t.conf") + ":4: metricsport:"), r.err());
    }
}
