package dev.ntsfarm.control.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ntsfarm.control.AuthDataReport;
import dev.ntsfarm.control.ClientReport;
import dev.ntsfarm.control.SourceRow;
import dev.ntsfarm.core.clock.Reach;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceState;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.stats.ServerCounter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ntsctl's reports against chronyc 4.3's own output, text and CSV, captured by {@code
 * golden/capture.sh} from a chronyd NTS client and the chronyd NTS server it polled (files {@code
 * chronyc-*-nts.*}). The values fed in are the ones chronyc printed; each report must come out
 * character for character.
 */
class ChronycGoldenTest {

    private static String golden(String name) throws IOException {
        try (InputStream in = ChronycGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static final SourceRow<SourceReport> SOURCE =
            new SourceRow<>(
                    "127.0.0.1",
                    "127.0.0.1",
                    new SourceReport(
                            '^',
                            SourceState.SELECTED,
                            "127.0.0.1",
                            1,
                            0,
                            new Reach(0377),
                            1,
                            423e-9,
                            583e-9,
                            5141e-9));

    @Test
    void sources() throws IOException {
        assertEquals(
                golden("chronyc-sources-nts.txt"), ChronycReport.sources(List.of(SOURCE), false));
        assertEquals(
                golden("chronyc-sources-nts.csv"),
                ChronycReport.sourcesCsv(List.of(SOURCE), false));
    }

    @Test
    void sourcestats() throws IOException {
        var row =
                new SourceRow<>(
                        "127.0.0.1",
                        "127.0.0.1",
                        new SourceStatsReport("127.0.0.1", 11, 5, 8, 0.006, 0.648, 6e-9, 1163e-9));
        assertEquals(
                golden("chronyc-sourcestats-nts.txt"),
                ChronycReport.sourceStats(List.of(row), false));
        assertEquals(
                golden("chronyc-sourcestats-nts.csv"),
                ChronycReport.sourceStatsCsv(List.of(row), false));
    }

    @Test
    void tracking() throws IOException {
        long refTime =
                Instant.parse("2026-12-01T11:01:50Z").getEpochSecond() * 1_000_000_000L
                        + 288_292_197L;
        var text =
                new Tracking(
                        0x7F000001,
                        "127.0.0.1",
                        2,
                        refTime,
                        -2.207e-6,
                        160e-9,
                        1.702e-6,
                        -0.258,
                        0.006,
                        0.707,
                        10.165e-6,
                        2.225e-6,
                        1.0,
                        LeapIndicator.NO_WARNING);
        assertEquals(golden("chronyc-tracking-nts.txt"), ChronycReport.tracking(text));
        // chronyc -c asked a moment later: the same fields, signed, one line
        var csv =
                new Tracking(
                        0x7F000001,
                        "127.0.0.1",
                        2,
                        refTime,
                        -2.206e-6,
                        160e-9,
                        1.702e-6,
                        -0.258,
                        0.006,
                        0.707,
                        10.165e-6,
                        2.232e-6,
                        1.0,
                        LeapIndicator.NO_WARNING);
        assertEquals(golden("chronyc-tracking-nts.csv"), ChronycReport.trackingCsv(csv));
    }

    @Test
    void authdata() throws IOException {
        var row =
                new SourceRow<>(
                        "127.0.0.1",
                        "127.0.0.1",
                        new AuthDataReport(AuthDataReport.Mode.NTS, 1, 15, 256, 8, 0, 0, 8, 100));
        assertEquals(
                golden("chronyc-authdata-nts.txt"), ChronycReport.authData(List.of(row), true));
        assertEquals(
                golden("chronyc-authdata-nts.csv"), ChronycReport.authDataCsv(List.of(row), true));
    }

    @Test
    void serverstatsAreChronycsLinesThenTheFarmsOwn() throws IOException {
        Map<ServerCounter, Long> c = new EnumMap<>(ServerCounter.class);
        c.put(ServerCounter.NTP_PACKETS_RECEIVED, 11L);
        c.put(ServerCounter.COMMAND_PACKETS_RECEIVED, 1L);
        c.put(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED, 1L);
        c.put(ServerCounter.AUTHENTICATED_NTP_PACKETS, 11L);
        String text = ChronycReport.serverStats(c);
        String chronyc = golden("chronyc-serverstats-nts.txt");
        assertEquals(
                chronyc,
                text.substring(0, chronyc.length()),
                "chronyc's eleven lines first, unchanged");
        assertEquals(
                "NTS NAKs sent              : 0\nRate kiss-o'-death sent    : 0\n",
                text.substring(chronyc.length()));
        // chronyc -c said 2 command packets: the CSV was its second call
        c.put(ServerCounter.COMMAND_PACKETS_RECEIVED, 2L);
        String csv = golden("chronyc-serverstats-nts.csv").strip();
        assertEquals(csv + ",0,0\n", ChronycReport.serverStatsCsv(c));
    }

    @Test
    void clients() throws IOException {
        var client =
                new ClientReport(
                        "127.0.0.1",
                        11,
                        0,
                        0,
                        ClientReport.UNKNOWN,
                        0,
                        0,
                        0,
                        ClientReport.UNKNOWN,
                        -1);
        assertEquals(golden("chronyc-clients-nts.txt"), ChronycReport.clients(List.of(client)));
        assertEquals(golden("chronyc-clients-nts.csv"), ChronycReport.clientsCsv(List.of(client)));
    }
}
