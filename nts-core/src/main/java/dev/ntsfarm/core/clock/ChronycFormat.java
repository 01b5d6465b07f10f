package dev.ntsfarm.core.clock;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * chronyc 4.3's columns, character for character (client.c: print_report and its helpers), for
 * {@code sources}, {@code sourcestats} and {@code tracking}. Numbers are rounded as C's printf does:
 * from the double's exact value, ties to even, and a negative value that rounds to zero keeps its
 * minus sign.
 */
public final class ChronycFormat {
    /** Header of {@code sources}; chronyc pads it to the width of its rule, 79 characters. */
    public static final String SOURCES_HEADER =
            "MS Name/IP address         Stratum Poll Reach LastRx Last sample               ";
    public static final String SOURCESTATS_HEADER =
            "Name/IP Address            NP  NR  Span  Frequency  Freq Skew  Offset  Std Dev";
    private static final DateTimeFormatter REF_TIME =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ChronycFormat() {
    }

    /** A header line and its rule of '=' as long as it, each newline-terminated. */
    public static String header(String header) {
        return header + "\n" + "=".repeat(header.length()) + "\n";
    }

    /** One {@code sources} line, without the newline. */
    public static String sourcesLine(SourceReport r) {
        return String.valueOf(r.mode()) + r.state().symbol() + " " + padRight(r.name(), 27) + "  "
                + padLeft(Integer.toString(r.stratum()), 2) + "  " + padLeft(Integer.toString(r.poll()), 2)
                + "   " + padLeft(Integer.toOctalString(r.reach().bits()), 3) + "  " + interval(r.lastRx())
                + "  " + signedNanoseconds(r.lastSample()) + "[" + signedNanoseconds(r.lastSampleOriginal())
                + "] +/- " + nanoseconds(r.lastSampleError());
    }

    /** One {@code sourcestats} line, without the newline. */
    public static String sourcestatsLine(SourceStatsReport r) {
        return padRight(r.name(), 25) + " " + padLeft(Integer.toString(r.samples()), 3) + " "
                + padLeft(Integer.toString(r.runs()), 3) + "  " + interval(r.span()) + " "
                + signedFrequency(r.frequencyPpm()) + " " + frequency(r.skewPpm()) + "  "
                + signedNanoseconds(r.offset()) + "  " + nanoseconds(r.stdDev());
    }

    /** The whole {@code tracking} report, newline-terminated lines. */
    public static String tracking(Tracking t) {
        return "Reference ID    : " + refId(t.refId()) + " (" + t.refName() + ")\n"
                + "Stratum         : " + t.stratum() + "\n"
                + "Ref time (UTC)  : " + REF_TIME.format(Instant.ofEpochSecond(Math.floorDiv(t.refTime(), 1_000_000_000L))) + "\n"
                + "System time     : " + fixed(Math.abs(t.systemTime()), 0, 9, false) + " seconds "
                + (t.systemTime() > 0.0 ? "slow" : "fast") + " of NTP time\n"
                + "Last offset     : " + fixed(t.lastOffset(), 0, 9, true) + " seconds\n"
                + "RMS offset      : " + fixed(t.rmsOffset(), 0, 9, false) + " seconds\n"
                + "Frequency       : " + fixed(Math.abs(t.frequencyPpm()), 0, 3, false) + " ppm "
                + (t.frequencyPpm() > 0.0 ? "fast" : "slow") + "\n"
                + "Residual freq   : " + fixed(t.residualFreqPpm(), 0, 3, true) + " ppm\n"
                + "Skew            : " + fixed(t.skewPpm(), 0, 3, false) + " ppm\n"
                + "Root delay      : " + fixed(t.rootDelay(), 0, 9, false) + " seconds\n"
                + "Root dispersion : " + fixed(t.rootDispersion(), 0, 9, false) + " seconds\n"
                + "Update interval : " + fixed(t.updateInterval(), 0, 1, false) + " seconds\n"
                + "Leap status     : " + t.leap().label() + "\n";
    }

    /** A reference id as chronyc prints it: eight upper-case hex digits. */
    public static String refId(int refId) {
        return String.format(Locale.ROOT, "%08X", refId);
    }

    /** chronyc's print_seconds: an interval in four characters, "   -" when unknown (negative). */
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
        return d > 999 ? padLeft(Long.toString(d / 365), 3) + "y" : padLeft(Long.toString(d), 3) + "d";
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

    /** C's {@code %[+]W.Pf}: exact binary value, ties to even, "-0" kept, right-aligned to width W. */
    static String fixed(double v, int width, int precision, boolean plus) {
        String body;
        boolean negative = v < 0 || (v == 0.0 && 1.0 / v < 0);
        if (Double.isNaN(v)) {
            body = "nan";
        } else if (Double.isInfinite(v)) {
            body = "inf";
        } else {
            body = new BigDecimal(Math.abs(v)).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        }
        String sign = negative ? "-" : plus ? "+" : "";
        return padLeft(sign + body, width);
    }

    private static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
