package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.Requirements;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ntsfarm up} as an operator runs it: the command it prints checks NTS with chronyd, and
 * {@code ntsfarm ctl serverstats} then shows the NTS-KE connection and the authenticated packets.
 */
@Timeout(120)
class FarmUpInteropTest {

    @TempDir Path dir;
    private Chronyd chronyd;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.chronyd();
        chronyd = Chronyd.in(dir);
    }

    @AfterEach
    void tearDown() {
        chronyd.close();
    }

    private static int counter(String serverstats, String label) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(label) + " *: (\\d+)$")
                        .matcher(serverstats);
        assertTrue(m.find(), label + " in\n" + serverstats);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void printedChronydCommandVerifiesNtsAndServerstatsCountsIt() throws Exception {
        int cmdport = Ports.freeTcp();
        List<String> args =
                List.of(
                        "port " + Ports.freeUdpAndTcp(),
                        "ntsport " + Ports.freeTcp(),
                        "cmdport " + cmdport,
                        "ntsdumpdir " + dir.resolve("var"),
                        "cluster name up-" + ProcessHandle.current().pid());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] chronydOutput = new String[1];
        String[] serverstats = new String[1];
        int[] ctlStatus = new int[1];
        int status =
                ServiceCommand.run(
                        Farm.Role.ALL_IN_ONE,
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        (farm, verification) -> {
                            chronydOutput[0] = chronyd.shell(verification, 30);
                            ByteArrayOutputStream ctl = new ByteArrayOutputStream();
                            ctlStatus[0] =
                                    Main.run(
                                            new String[] {
                                                "ctl", "-p", String.valueOf(cmdport), "serverstats"
                                            },
                                            new PrintStream(ctl, true, StandardCharsets.UTF_8),
                                            System.err);
                            serverstats[0] = ctl.toString(StandardCharsets.UTF_8);
                        });
        String banner = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8) + banner);

        Path cert = dir.resolve("var").resolve("cert.pem");
        assertTrue(banner.contains("chronyd -Q -t 10 "), banner);
        assertTrue(banner.contains("'ntstrustedcerts " + cert + "'"), banner);
        assertTrue(chronydOutput[0].contains("System clock wrong by"), banner + chronydOutput[0]);

        assertEquals(0, ctlStatus[0], serverstats[0]);
        assertTrue(counter(serverstats[0], "NTS-KE connections accepted") > 0, serverstats[0]);
        assertTrue(counter(serverstats[0], "Authenticated NTP packets") > 0, serverstats[0]);

        for (String secret : List.of("key.pem", "farm.secret", "ntsfarm.keys")) {
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(dir.resolve("var").resolve(secret))),
                    secret);
        }
        assertTrue(
                Files.readString(dir.resolve("var").resolve("ntsfarm.keys"))
                        .matches("1 SHA1 HEX:[0-9A-F]{40}\n"));
    }
}
