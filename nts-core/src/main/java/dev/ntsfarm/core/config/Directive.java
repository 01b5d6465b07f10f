package dev.ntsfarm.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One directive line: its name (lower case, as chronyd matches names without regard to case), its
 * arguments, and where it came from. The typed readers check one argument each and throw a {@link
 * ConfigException} whose error names the file, the line, the directive and what was expected.
 *
 * @param name the directive name in lower case
 * @param args the words after the name
 * @param file the source name
 * @param line the 1-based line (or command-line argument) number
 */
public record Directive(String name, List<String> args, String file, int line) {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,10}");
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?");

    public Directive {
        Objects.requireNonNull(name, "name");
        args = List.copyOf(args);
        Objects.requireNonNull(file, "file");
    }

    /** Number of arguments. */
    public int size() {
        return args.size();
    }

    /** An error at this directive's line; {@code message} follows the directive's name. */
    public ConfigError error(String message) {
        return new ConfigError(file, line, name + ": " + message);
    }

    /** An exception carrying {@link #error(String)}. */
    public ConfigException fail(String message) {
        return new ConfigException(error(message));
    }

    /** Checks the number of arguments is within {@code [min, max]}. */
    public void expectArgs(int min, int max) throws ConfigException {
        if (args.size() < min || args.size() > max) {
            String want =
                    min == max
                            ? String.valueOf(min)
                            : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
            throw fail(
                    "expected "
                            + want
                            + (max == 1 && min == 1 ? " argument" : " arguments")
                            + ", got "
                            + args.size());
        }
    }

    /** Argument {@code i} (0-based). */
    public String word(int i) throws ConfigException {
        return word(i, "an argument at position " + (i + 1));
    }

    /** Argument {@code i}, described as {@code what} when it is missing. */
    public String word(int i, String what) throws ConfigException {
        if (i < 0 || i >= args.size()) {
            throw fail("expected " + what + ", got nothing");
        }
        return args.get(i);
    }

    /** Argument {@code i} as a decimal integer within {@code [min, max]}. */
    public int integer(int i, int min, int max) throws ConfigException {
        return integer(i, "a number", min, max);
    }

    /**
     * Argument {@code i} as a decimal integer within {@code [min, max]}, described as {@code what}.
     */
    public int integer(int i, String what, int min, int max) throws ConfigException {
        return checkInteger(word(i, what + range(min, max)), what, min, max);
    }

    /** Argument {@code i} as an unsigned 32-bit number (key ids, cert-set ids). */
    public long unsigned32(int i, String what) throws ConfigException {
        return checkUnsigned32(word(i, what), what);
    }

    /** Argument {@code i} as a decimal number within {@code [min, max]}. */
    public double decimal(int i, String what, double min, double max) throws ConfigException {
        return checkDecimal(word(i, what), what, min, max);
    }

    /**
     * Reads the arguments from position {@code from} on as chrony reads a source line's options:
     * each word is a flag from {@code flags} or an option from {@code valued} followed by its value
     * (names without regard to case); any other word is an error.
     */
    public DirectiveOptions options(int from, Set<String> flags, Set<String> valued)
            throws ConfigException {
        return DirectiveOptions.read(this, from, flags, valued);
    }

    int checkInteger(String word, String what, int min, int max) throws ConfigException {
        return checkInteger(word, what, min, max, "");
    }

    int checkInteger(String word, String what, int min, int max, String where)
            throws ConfigException {
        if (INTEGER.matcher(word).matches()) {
            long v = Long.parseLong(word);
            if (v >= min && v <= max) {
                return (int) v;
            }
        }
        throw fail("expected " + what + range(min, max) + where + ", got " + quote(word));
    }

    long checkUnsigned32(String word, String what) throws ConfigException {
        return checkUnsigned32(word, what, "");
    }

    long checkUnsigned32(String word, String what, String where) throws ConfigException {
        if (word.length() <= 10
                && word.chars().allMatch(c -> c >= '0' && c <= '9')
                && !word.isEmpty()) {
            long v = Long.parseLong(word);
            if (v <= 0xFFFF_FFFFL) {
                return v;
            }
        }
        throw fail("expected " + what + " (0 to 4294967295)" + where + ", got " + quote(word));
    }

    double checkDecimal(String word, String what, double min, double max) throws ConfigException {
        return checkDecimal(word, what, min, max, "");
    }

    double checkDecimal(String word, String what, double min, double max, String where)
            throws ConfigException {
        if (DECIMAL.matcher(word).matches()) {
            double v = Double.parseDouble(word);
            if (v >= min && v <= max) {
                return v;
            }
        }
        throw fail("expected " + what + range(min, max) + where + ", got " + quote(word));
    }

    private static String range(double min, double max) {
        boolean noMin = min == Integer.MIN_VALUE || min == -Double.MAX_VALUE;
        boolean noMax = max == Integer.MAX_VALUE || max == Double.MAX_VALUE;
        if (noMin && noMax) {
            return "";
        }
        if (noMax) {
            return " >= " + number(min);
        }
        if (noMin) {
            return " <= " + number(max);
        }
        return " from " + number(min) + " to " + number(max);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }

    /** The directive as a configuration line: name and arguments separated by single spaces. */
    public String toLine() {
        return args.isEmpty() ? name : name + " " + String.join(" ", args);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
