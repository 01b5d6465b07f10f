package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.text.CFormat;
import java.util.regex.Pattern;

/**
 * chrony's drift file: one line, {@code freq_ppm skew_ppm}, each printed {@code %20.6f}. The
 * frequency is the rate the clock would gain uncorrected (positive: fast), as chronyc's tracking
 * reports it. Parsing and formatting only; the caller reads and writes the file (write, then
 * rename).
 */
public final class Driftfile {

    /** What a drift file held. */
    public sealed interface Content permits Valid, Invalid {}

    /** A frequency and its skew, ppm. */
    public record Valid(double frequencyPpm, double skewPpm) implements Content {}

    /** Not a drift file: why. */
    public record Invalid(String reason) implements Content {}

    /** chrony keeps the skew at least this large when reading it (1e-12 s/s). */
    public static final double MIN_SKEW_PPM = 1.0e-6;

    private static final Pattern NUMBER =
            Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private Driftfile() {}

    /** The file's text: both numbers {@code %20.6f}, space-separated, newline-terminated. */
    public static String format(double frequencyPpm, double skewPpm) {
        return CFormat.fixed(frequencyPpm, 20, 6, false)
                + " "
                + CFormat.fixed(skewPpm, 20, 6, false)
                + "\n";
    }

    /** Reads the first two numbers, as chrony's {@code fscanf("%lf%lf")} does; never throws. */
    public static Content parse(String text) {
        if (text == null) {
            return new Invalid("no content");
        }
        String[] words = text.strip().split("\\s+", 3);
        if (words.length < 2) {
            return new Invalid("expected: two numbers, frequency and skew in ppm");
        }
        if (!NUMBER.matcher(words[0]).matches() || !NUMBER.matcher(words[1]).matches()) {
            return new Invalid("expected: two numbers, frequency and skew in ppm");
        }
        try {
            double frequency = Double.parseDouble(words[0]);
            double skew = Double.parseDouble(words[1]);
            if (!Double.isFinite(frequency) || !Double.isFinite(skew)) {
                return new Invalid("expected: finite numbers");
            }
            return new Valid(frequency, Math.max(skew, MIN_SKEW_PPM));
        } catch (NumberFormatException e) {
            return new Invalid("expected: two numbers, frequency and skew in ppm");
        }
    }
}
