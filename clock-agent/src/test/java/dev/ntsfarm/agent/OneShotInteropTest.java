package dev.ntsfarm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.TestCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ntsfarm agent -Q} against chronyd 4.3 serving NTS, as {@code chronyd -Q} would be run. */
class OneShotInteropTest {

    /** chronyd 4.3's line, with its UTC time prefix. */
    private static final Pattern WRONG_BY =
            Pattern.compile(
                    "(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ System clock wrong by -?\\d+\\.\\d{6} seconds \\(ignored\\)$");

    @TempDir Path dir;
    private Chronyd chronyd;

    @AfterEach
    void stopChronyd() throws Exception {
        if (chronyd != null) {
            chronyd.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void printsSystemClockWrongByOverNts() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc =
                AgentCommand.run(
                        new String[] {
                            "-Q",
                            "-t",
                            "15",
                            "server 127.0.0.1 port "
                                    + chronyd.ntpPort()
                                    + " ntsport "
                                    + chronyd.ntsPort()
                                    + " iburst nts maxsamples 1",
                            "ntstrustedcerts " + chronyd.certificate().cert()
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, () -> "agent -Q failed:\n" + text + "\nchronyd:\n" + log());
        assertTrue(WRONG_BY.matcher(text).find(), () -> "no chronyd-style line in:\n" + text);
        assertTrue(
                chronyd.serverstat("NTS-KE connections accepted") >= 1,
                "chronyd saw no NTS-KE connection");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void untrustedCertificateNeverMeasures() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        Path other = TestCertificate.create(dir, "other").cert();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc =
                AgentCommand.run(
                        new String[] {
                            "-Q",
                            "-t",
                            "3",
                            "server 127.0.0.1 port "
                                    + chronyd.ntpPort()
                                    + " ntsport "
                                    + chronyd.ntsPort()
                                    + " iburst nts maxsamples 1",
                            "ntstrustedcerts " + other,
                            "nosystemcert"
                        },
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc, text);
        assertTrue(text.contains("Timeout reached"), text);
        assertTrue(text.contains("NTS-KE with 127.0.0.1:" + chronyd.ntsPort() + " failed"), text);
    }

    private String log() {
        try {
            return chronyd.log();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
