package dev.ntsfarm.core.text;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numbers as C's printf writes them, for files and reports that must match chrony's byte for byte:
 * rounded from the double's exact value, ties to even, and a negative value that rounds to zero
 * keeps its minus sign.
 */
public final class CFormat {

    private CFormat() {}

    /**
     * C's {@code %[+]W.Pf}: exact binary value, ties to even, "-0" kept, right-aligned to width W.
     */
    public static String fixed(double v, int width, int precision, boolean plus) {
        String body;
        boolean negative = v < 0 || (v == 0.0 && 1.0 / v < 0);
        if (Double.isNaN(v)) {
            body = "nan";
        } else if (Double.isInfinite(v)) {
            body = "inf";
        } else {
            body =
                    new BigDecimal(Math.abs(v))
                            .setScale(precision, RoundingMode.HALF_EVEN)
                            .toPlainString();
        }
        String sign = negative ? "-" : plus ? "+" : "";
        return padLeft(sign + body, width);
    }

    /** {@code s} right-aligned to {@code width} with spaces ({@code %Ws}). */
    public static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** {@code s} left-aligned to {@code width} with spaces ({@code %-Ws}). */
    public static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
