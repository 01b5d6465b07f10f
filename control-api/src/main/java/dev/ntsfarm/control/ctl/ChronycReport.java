package dev.ntsfarm.control.ctl;

import dev.ntsfarm.control.ActivityReport;
import dev.ntsfarm.control.AuthDataReport;
import dev.ntsfarm.control.ClientReport;
import dev.ntsfarm.control.FarmMember;
import dev.ntsfarm.control.FarmStats;
import dev.ntsfarm.control.KeysReport;
import dev.ntsfarm.control.SourceRow;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.text.CFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * ntsctl's one output formatter: chronyc 4.3's reports, character for character (client.c:
 * print_report and its helpers), for {@code sources}, {@code sourcestats}, {@code tracking}, {@code
 * authdata}, {@code activity}, {@code waitsync}, {@code serverstats} and {@code clients}, and the
 * farm's own {@code members} and {@code keys} in the same style. Numbers are rounded as C's printf
 * does ({@link CFormat}). Every text ends each line with a newline.
 */
public final class ChronycReport {
    /** Header of {@code sources}; chronyc pads it to the width of its rule, 79 characters. */
    public static final String SOURCES_HEADER =
            "MS Name/IP address         Stratum Poll Reach LastRx Last sample               ";

    public static final String SOURCESTATS_HEADER =
            "Name/IP Address            NP  NR  Span  Frequency  Freq Skew  Offset  Std Dev";
    private static final DateTimeFormatter REF_TIME =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    /** chronyc's authdata header. */
    public static final String AUTHDATA_HEADER =
            "Name/IP address             Mode KeyID Type KLen Last Atmp  NAK Cook CLen";

    /** chronyc's clients header. */
    public static final String CLIENTS_HEADER =
            "Hostname                      NTP   Drop Int IntL Last     Cmd   Drop Int  Last";

    /** chronyc's serverstats label column width ({@code "%-27s: %lu"}). */
    public static final int LABEL_WIDTH = 27;

    private ChronycReport() {}

    /** A header line and its rule of '=' as long as it, each newline-terminated. */
    public static String header(String header) {
        return header + "\n" + "=".repeat(header.length()) + "\n";
    }

    /** One {@code sources} line, without the newline. */
    public static String sourcesLine(SourceReport r) {
        return String.valueOf(r.mode())
                + r.state().symbol()
                + " "
                + padRight(r.name(), 27)
                + "  "
                + padLeft(Integer.toString(r.stratum()), 2)
                + "  "
                + padLeft(Integer.toString(r.poll()), 2)
                + "   "
                + padLeft(Integer.toOctalString(r.reach().bits()), 3)
                + "  "
                + interval(r.lastRx())
                + "  "
                + signedNanoseconds(r.lastSample())
                + "["
                + signedNanoseconds(r.lastSampleOriginal())
                + "] +/- "
                + nanoseconds(r.lastSampleError());
    }

    /** One {@code sourcestats} line, without the newline. */
    public static String sourcestatsLine(SourceStatsReport r) {
        return padRight(r.name(), 25)
                + " "
                + padLeft(Integer.toString(r.samples()), 3)
                + " "
                + padLeft(Integer.toString(r.runs()), 3)
                + "  "
                + interval(r.span())
                + " "
                + signedFrequency(r.frequencyPpm())
                + " "
                + frequency(r.skewPpm())
                + "  "
                + signedNanoseconds(r.offset())
                + "  "
                + nanoseconds(r.stdDev());
    }

    /** The whole {@code tracking} report, newline-terminated lines. */
    public static String tracking(Tracking t) {
        return "Reference ID    : "
                + refId(t.refId())
                + " ("
                + t.refName()
                + ")\n"
                + "Stratum         : "
                + t.stratum()
                + "\n"
                + "Ref time (UTC)  : "
                + REF_TIME.format(Instant.ofEpochSecond(Math.floorDiv(t.refTime(), 1_000_000_000L)))
                + "\n"
                + "System time     : "
                + fixed(Math.abs(t.systemTime()), 0, 9, false)
                + " seconds "
                + (t.systemTime() > 0.0 ? "slow" : "fast")
                + " of NTP time\n"
                + "Last offset     : "
                + fixed(t.lastOffset(), 0, 9, true)
                + " seconds\n"
                + "RMS offset      : "
                + fixed(t.rmsOffset(), 0, 9, false)
                + " seconds\n"
                + "Frequency       : "
                + fixed(Math.abs(t.frequencyPpm()), 0, 3, false)
                + " ppm "
                + (t.frequencyPpm() > 0.0 ? "fast" : "slow")
                + "\n"
                + "Residual freq   : "
                + fixed(t.residualFreqPpm(), 0, 3, true)
                + " ppm\n"
                + "Skew            : "
                + fixed(t.skewPpm(), 0, 3, false)
                + " ppm\n"
                + "Root delay      : "
                + fixed(t.rootDelay(), 0, 9, false)
                + " seconds\n"
                + "Root dispersion : "
                + fixed(t.rootDispersion(), 0, 9, false)
                + " seconds\n"
                + "Update interval : "
                + fixed(t.updateInterval(), 0, 1, false)
                + " seconds\n"
                + "Leap status     : "
                + leapStatus(t.leap())
                + "\n";
    }

    /** chronyc's words for the leap indicator on tracking's "Leap status" line. */
    public static String leapStatus(LeapIndicator leap) {
        return switch (leap) {
            case NO_WARNING -> "Normal";
            case INSERT_SECOND -> "Insert second";
            case DELETE_SECOND -> "Delete second";
            case UNSYNCHRONIZED -> "Not synchronised";
        };
    }

    /** A reference id as chronyc prints it: eight upper-case hex digits. */
    public static String refId(int refId) {
        return String.format(Locale.ROOT, "%08X", refId);
    }

    /** chronyc's print_seconds: an interval in four characters, " -" when unknown (negative). */
    public static String interval(long s) {
        if (s < 0) {
            return "   -";
        } else if (s < 1200) {
            return padLeft(Long.toString(s), 4);
        } else if (s < 36000) {
            return padLeft(Long.toString(s / 60), 3) + "m";
        } else if (s < 345600) {
            return padLeft(Long.toString(s / 3600), 3) + "h";
        }
        long d = s / 86400;
        return d > 999
                ? padLeft(Long.toString(d / 365), 3) + "y"
                : padLeft(Long.toString(d), 3) + "d";
    }

    /** chronyc's print_nanoseconds: an unsigned offset with unit, e.g. " 6708ns", "4000ms". */
    public static String nanoseconds(double s) {
        double x = Math.abs(s);
        if (x < 9999.5e-9) {
            return fixed(x * 1e9, 4, 0, false) + "ns";
        } else if (x < 9999.5e-6) {
            return fixed(x * 1e6, 4, 0, false) + "us";
        } else if (x < 9999.5e-3) {
            return fixed(x * 1e3, 4, 0, false) + "ms";
        } else if (x < 999.5) {
            return fixed(x, 5, 1, false) + "s";
        } else if (x < 99999.5) {
            return fixed(x, 5, 0, false) + "s";
        } else if (x < 99999.5 * 60) {
            return fixed(x / 60, 5, 0, false) + "m";
        } else if (x < 99999.5 * 3600) {
            return fixed(x / 3600, 5, 0, false) + "h";
        } else if (x < 99999.5 * 3600 * 24) {
            return fixed(x / (3600 * 24), 5, 0, false) + "d";
        }
        return fixed(x / (3600 * 24 * 365), 5, 0, false) + "y";
    }

    /** chronyc's print_signed_nanoseconds: e.g. "+2477ns", " -12us", "+1234ms". */
    public static String signedNanoseconds(double s) {
        double x = Math.abs(s);
        if (x < 9999.5e-9) {
            return fixed(s * 1e9, 5, 0, true) + "ns";
        } else if (x < 9999.5e-6) {
            return fixed(s * 1e6, 5, 0, true) + "us";
        } else if (x < 9999.5e-3) {
            return fixed(s * 1e3, 5, 0, true) + "ms";
        } else if (x < 999.5) {
            return fixed(s, 6, 1, true) + "s";
        } else if (x < 99999.5) {
            return fixed(s, 6, 0, true) + "s";
        } else if (x < 99999.5 * 60) {
            return fixed(s / 60, 6, 0, true) + "m";
        } else if (x < 99999.5 * 3600) {
            return fixed(s / 3600, 6, 0, true) + "h";
        } else if (x < 99999.5 * 3600 * 24) {
            return fixed(s / (3600 * 24), 6, 0, true) + "d";
        }
        return fixed(s / (3600 * 24 * 365), 6, 0, true) + "y";
    }

    /** chronyc's print_freq_ppm: "%10.3f", or "%10.0f" from 99999.5 ppm. */
    public static String frequency(double ppm) {
        return Math.abs(ppm) < 99999.5 ? fixed(ppm, 10, 3, false) : fixed(ppm, 10, 0, false);
    }

    /** chronyc's print_signed_freq_ppm: "%+10.3f", or "%+10.0f" from 99999.5 ppm. */
    public static String signedFrequency(double ppm) {
        return Math.abs(ppm) < 99999.5 ? fixed(ppm, 10, 3, true) : fixed(ppm, 10, 0, true);
    }

    static String fixed(double v, int width, int precision, boolean plus) {
        return CFormat.fixed(v, width, precision, plus);
    }

    private static String padLeft(String s, int width) {
        return CFormat.padLeft(s, width);
    }

    private static String padRight(String s, int width) {
        return CFormat.padRight(s, width);
    }

    // ---- whole reports ----

    /** {@code sources}; {@code names}: the configured names (-N) instead of the addresses. */
    public static String sources(List<SourceRow<SourceReport>> rows, boolean names) {
        StringBuilder sb = new StringBuilder(header(SOURCES_HEADER));
        for (SourceRow<SourceReport> row : rows) {
            SourceReport r = row.report();
            sb.append(
                            sourcesLine(
                                    new SourceReport(
                                            r.mode(),
                                            r.state(),
                                            row.label(names),
                                            r.stratum(),
                                            r.poll(),
                                            r.reach(),
                                            r.lastRx(),
                                            r.lastSample(),
                                            r.lastSampleOriginal(),
                                            r.lastSampleError())))
                    .append('\n');
        }
        return sb.toString();
    }

    /** {@code sources -c}: chronyc's CSV fields. */
    public static String sourcesCsv(List<SourceRow<SourceReport>> rows, boolean names) {
        StringBuilder sb = new StringBuilder();
        for (SourceRow<SourceReport> row : rows) {
            SourceReport r = row.report();
            sb.append(
                    csv(
                            String.valueOf(r.mode()),
                            String.valueOf(r.state().symbol()),
                            row.label(names),
                            Integer.toString(r.stratum()),
                            Integer.toString(r.poll()),
                            r.reach().octal(),
                            Long.toString(Math.max(r.lastRx(), 0)),
                            seconds(r.lastSample()),
                            seconds(r.lastSampleOriginal()),
                            seconds(r.lastSampleError())));
        }
        return sb.toString();
    }

    public static String sourceStats(List<SourceRow<SourceStatsReport>> rows, boolean names) {
        StringBuilder sb = new StringBuilder(header(SOURCESTATS_HEADER));
        for (SourceRow<SourceStatsReport> row : rows) {
            SourceStatsReport r = row.report();
            sb.append(
                            sourcestatsLine(
                                    new SourceStatsReport(
                                            row.label(names),
                                            r.samples(),
                                            r.runs(),
                                            r.span(),
                                            r.frequencyPpm(),
                                            r.skewPpm(),
                                            r.offset(),
                                            r.stdDev())))
                    .append('\n');
        }
        return sb.toString();
    }

    public static String sourceStatsCsv(List<SourceRow<SourceStatsReport>> rows, boolean names) {
        StringBuilder sb = new StringBuilder();
        for (SourceRow<SourceStatsReport> row : rows) {
            SourceStatsReport r = row.report();
            sb.append(
                    csv(
                            row.label(names),
                            Integer.toString(r.samples()),
                            Integer.toString(r.runs()),
                            Long.toString(r.span()),
                            fixed(r.frequencyPpm(), 0, 3, false),
                            fixed(r.skewPpm(), 0, 3, false),
                            seconds(r.offset()),
                            seconds(r.stdDev())));
        }
        return sb.toString();
    }

    public static String trackingCsv(Tracking t) {
        return csv(
                refId(t.refId()),
                t.refName(),
                Integer.toString(t.stratum()),
                Math.floorDiv(t.refTime(), 1_000_000_000L)
                        + "."
                        + String.format(
                                Locale.ROOT, "%09d", Math.floorMod(t.refTime(), 1_000_000_000L)),
                seconds(t.systemTime()),
                seconds(t.lastOffset()),
                seconds(t.rmsOffset()),
                fixed(t.frequencyPpm(), 0, 3, false),
                fixed(t.residualFreqPpm(), 0, 3, false),
                fixed(t.skewPpm(), 0, 3, false),
                seconds(t.rootDelay()),
                seconds(t.rootDispersion()),
                fixed(t.updateInterval(), 0, 1, false),
                leapStatus(t.leap()));
    }

    /** {@code authdata}, chronyc 4.3's columns: %-27s %4s %5u %4d %4d %I %4d %4d %4d %4d. */
    public static String authData(List<SourceRow<AuthDataReport>> rows, boolean names) {
        StringBuilder sb = new StringBuilder(header(AUTHDATA_HEADER));
        for (SourceRow<AuthDataReport> row : rows) {
            AuthDataReport a = row.report();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-27s %4s %5d %4d %4d %s %4d %4d %4d %4d%n",
                            row.label(names),
                            a.mode().label(),
                            a.keyId(),
                            a.type(),
                            a.keyLength(),
                            interval(a.mode() == AuthDataReport.Mode.NTS ? a.lastSeconds() : -1),
                            a.attempts(),
                            a.naks(),
                            a.cookies(),
                            a.cookieLength()));
        }
        return sb.toString().replace(System.lineSeparator(), "\n");
    }

    public static String authDataCsv(List<SourceRow<AuthDataReport>> rows, boolean names) {
        StringBuilder sb = new StringBuilder();
        for (SourceRow<AuthDataReport> row : rows) {
            AuthDataReport a = row.report();
            sb.append(
                    csv(
                            row.label(names),
                            a.mode().label(),
                            Long.toString(a.keyId()),
                            Integer.toString(a.type()),
                            Integer.toString(a.keyLength()),
                            Long.toString(Math.max(a.lastSeconds(), 0)),
                            Integer.toString(a.attempts()),
                            Long.toString(a.naks()),
                            Integer.toString(a.cookies()),
                            Integer.toString(a.cookieLength())));
        }
        return sb.toString();
    }

    public static String activity(ActivityReport a) {
        return "200 OK\n"
                + a.online()
                + " sources online\n"
                + a.offline()
                + " sources offline\n"
                + a.burstOnline()
                + " sources doing burst (return to online)\n"
                + a.burstOffline()
                + " sources doing burst (return to offline)\n"
                + a.unresolved()
                + " sources with unknown address\n";
    }

    /** chronyc's waitsync line for one try. */
    public static String waitSync(int tries, Tracking t) {
        double correction = Math.abs(t.systemTime()) + t.rootDelay() / 2 + t.rootDispersion();
        return String.format(
                        Locale.ROOT,
                        "try: %d, refid: %s, correction: %.9f, skew: %.3f",
                        tries,
                        refId(t.refId()),
                        correction,
                        t.skewPpm())
                + "\n";
    }

    /** chronyc 4.3's {@code serverstats}, then the farm's own counters in the same form. */
    public static String serverStats(Map<ServerCounter, Long> counters) {
        StringBuilder sb = new StringBuilder();
        for (ServerCounter c : ServerCounter.values()) {
            sb.append(padRight(c.label(), LABEL_WIDTH))
                    .append(": ")
                    .append(counters.getOrDefault(c, 0L))
                    .append('\n');
        }
        return sb.toString();
    }

    public static String serverStatsCsv(Map<ServerCounter, Long> counters) {
        StringJoiner j = new StringJoiner(",", "", "\n");
        for (ServerCounter c : ServerCounter.values()) {
            j.add(Long.toString(counters.getOrDefault(c, 0L)));
        }
        return j.toString();
    }

    /**
     * {@code serverstats} of a farm: with one process, exactly chronyc's report; with more, each
     * process's under its name and then the sum.
     */
    public static String farmServerStats(FarmStats stats) {
        if (stats.members().size() == 1) {
            return serverStats(stats.members().getFirst().counters());
        }
        StringBuilder sb = new StringBuilder();
        for (FarmStats.MemberStats m : stats.members()) {
            sb.append("Member ")
                    .append(m.member())
                    .append(m.local() ? " (this process)" : "")
                    .append(", counters ")
                    .append(age(m.ageMillis()))
                    .append(" old:\n")
                    .append(serverStats(m.counters()))
                    .append('\n');
        }
        sb.append("Farm total (")
                .append(stats.members().size())
                .append(" processes")
                .append(
                        stats.ignoredEntries() > 0
                                ? ", " + stats.ignoredEntries() + " damaged entries ignored"
                                : "")
                .append("):\n")
                .append(serverStats(stats.total()));
        return sb.toString();
    }

    /**
     * CSV: with one process chronyc's one line; with more, one line per process (name first), then
     * "total".
     */
    public static String farmServerStatsCsv(FarmStats stats) {
        if (stats.members().size() == 1) {
            return serverStatsCsv(stats.members().getFirst().counters());
        }
        StringBuilder sb = new StringBuilder();
        for (FarmStats.MemberStats m : stats.members()) {
            sb.append(m.member()).append(',').append(serverStatsCsv(m.counters()));
        }
        sb.append("total,").append(serverStatsCsv(stats.total()));
        return sb.toString();
    }

    /** The farm's processes. */
    public static String members(List<FarmMember> members) {
        String head = "Name/IP address              Role    Age  Services";
        StringBuilder sb = new StringBuilder(header(head));
        for (FarmMember m : members) {
            sb.append(
                            String.format(
                                    Locale.ROOT,
                                    "%-28s %-6s %s  %s%s",
                                    m.name(),
                                    m.role(),
                                    interval(m.ageMillis() < 0 ? -1 : m.ageMillis() / 1000),
                                    m.services(),
                                    m.local() ? " (this process)" : ""))
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * {@code members -c}: one line per process, {@code name,role,age,services,local}: the age in
     * seconds since it last published (4294967295 when it never did, as chronyc's unknown "last"),
     * local {@code Y} for the process answering, else {@code N}.
     */
    public static String membersCsv(List<FarmMember> members) {
        StringBuilder sb = new StringBuilder();
        for (FarmMember m : members) {
            sb.append(
                    csv(
                            m.name(),
                            m.role(),
                            last(m.ageMillis() < 0 ? -1 : m.ageMillis() / 1000),
                            m.services(),
                            m.local() ? "Y" : "N"));
        }
        return sb.toString();
    }

    /**
     * {@code keys -c}: one line per slot, {@code slot,KEYID,age,current} (the key id in hex as the
     * table shows it, the age in seconds, negative for a slot still to come, current {@code Y} or
     * {@code N}), then {@code damaged,N}, as {@code serverstats -c} ends with its {@code total}
     * line.
     */
    public static String keysCsv(KeysReport k) {
        StringBuilder sb = new StringBuilder();
        for (KeysReport.Slot s : k.slots()) {
            sb.append(
                    csv(
                            Long.toString(s.slot()),
                            String.format(Locale.ROOT, "%08X", s.slot()),
                            Long.toString(s.ageSeconds()),
                            s.current() ? "Y" : "N"));
        }
        sb.append(csv("damaged", Long.toString(k.damagedEntries())));
        return sb.toString();
    }

    /** The key slots: id, age, which is current, and the damaged cluster entries ignored. */
    public static String keys(KeysReport k) {
        String head = "  Slot (key id)       Age";
        StringBuilder sb = new StringBuilder(header(head));
        for (KeysReport.Slot s : k.slots()) {
            sb.append(s.current() ? "* " : "  ")
                    .append(
                            padRight(
                                    String.format(Locale.ROOT, "%d (%08X)", s.slot(), s.slot()),
                                    18))
                    .append(
                            s.ageSeconds() < 0
                                    ? "  in " + interval(-s.ageSeconds()).strip()
                                    : interval(s.ageSeconds()))
                    .append('\n');
        }
        sb.append("Damaged cluster entries ignored: ").append(k.damagedEntries()).append('\n');
        return sb.toString();
    }

    /** chronyc 4.3's {@code clients}: "%-25s %6U %5U %C %C %I %6U %5U %C %I". */
    public static String clients(List<ClientReport> clients) {
        StringBuilder sb = new StringBuilder(header(CLIENTS_HEADER));
        for (ClientReport c : clients) {
            sb.append(padRight(c.address(), 25))
                    .append("  ")
                    .append(padLeft(Long.toString(c.ntpHits()), 6))
                    .append("  ")
                    .append(padLeft(Long.toString(c.ntpDrops()), 5))
                    .append(' ')
                    .append(rate(c.ntpInterval()))
                    .append(' ')
                    .append(rate(c.ntpPenalty()))
                    .append("  ")
                    .append(interval(c.ntpLast()))
                    .append("  ")
                    .append(padLeft(Long.toString(c.cmdHits()), 6))
                    .append("  ")
                    .append(padLeft(Long.toString(c.cmdDrops()), 5))
                    .append(' ')
                    .append(rate(c.cmdInterval()))
                    .append("  ")
                    .append(interval(c.cmdLast()))
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * chronyc 4.3's {@code clients -c}: an unknown interval is 127, an unknown "last" 4294967295.
     */
    public static String clientsCsv(List<ClientReport> clients) {
        StringBuilder sb = new StringBuilder();
        for (ClientReport c : clients) {
            sb.append(
                    csv(
                            c.address(),
                            Long.toString(c.ntpHits()),
                            Long.toString(c.ntpDrops()),
                            Integer.toString(c.ntpInterval()),
                            Integer.toString(c.ntpPenalty()),
                            last(c.ntpLast()),
                            Long.toString(c.cmdHits()),
                            Long.toString(c.cmdDrops()),
                            Integer.toString(c.cmdInterval()),
                            last(c.cmdLast())));
        }
        return sb.toString();
    }

    private static String last(long seconds) {
        return seconds < 0 ? "4294967295" : Long.toString(seconds);
    }

    /** chronyc's print_rate: a log2 interval in 3 characters, " -" when unknown. */
    static String rate(int log2) {
        return log2 == ClientReport.UNKNOWN ? "  -" : padLeft(Integer.toString(log2), 3);
    }

    private static String age(long millis) {
        return millis < 1000 ? millis + " ms" : (millis / 1000) + " s";
    }

    private static String seconds(double s) {
        return fixed(s, 0, 9, false);
    }

    private static String csv(String... fields) {
        return String.join(",", fields) + "\n";
    }
}
