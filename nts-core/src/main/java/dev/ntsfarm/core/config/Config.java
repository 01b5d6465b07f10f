package dev.ntsfarm.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A configuration in chrony's language: one directive a line, the directive's name first, then its
 * arguments, separated by white space.
 *
 * <p>As chrony 4.3 reads it ({@code conf.c}, {@code CPS_NormalizeLine}): a line whose first
 * non-blank character is {@code #}, {@code !}, {@code ;} or {@code %} is a comment, and so is a
 * blank line; a comment character later in the line is an ordinary character (so {@code server a #
 * b} is an error, as in chronyd). Names match without regard to case. Lines are at most {@link
 * #MAX_LINE_LENGTH} characters. {@code include} and {@code confdir} are not supported.
 *
 * <p>Parsing checks only that every directive is known; the typed forms ({@link SourceDirective},
 * {@link AccessRule}, ...) check the arguments when a service asks for them.
 */
public final class Config {

    /**
     * chronyd reads lines into a 2048-byte buffer, terminator included ({@code MAX_LINE_LENGTH}).
     */
    public static final int MAX_LINE_LENGTH = 2047;

    /** Source name of the directives given on a command line. */
    public static final String COMMAND_LINE = "command line";

    private static final String COMMENT_STARTS = "#!;%";

    private final List<Directive> directives;

    private Config(List<Directive> directives) {
        this.directives = List.copyOf(directives);
    }

    /** A configuration of the given directives (no name check). */
    public static Config of(List<Directive> directives) {
        return new Config(directives);
    }

    /**
     * Reads a configuration file's text. Never throws on bad input; mistakes come back as errors.
     */
    public static ConfigResult parse(String sourceName, String text) {
        List<Directive> out = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            lineNumber++;
            parseLine(sourceName, lineNumber, text.substring(start, end), out, errors);
            start = end + 1;
        }
        return result(out, errors);
    }

    /**
     * Reads directives given on a command line, one directive per argument, as chronyd takes them;
     * the source name is {@value #COMMAND_LINE} and the line number is the argument's position from
     * 1.
     */
    public static ConfigResult fromArgs(List<String> inlineDirectives) {
        List<Directive> out = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        for (int i = 0; i < inlineDirectives.size(); i++) {
            parseLine(COMMAND_LINE, i + 1, inlineDirectives.get(i), out, errors);
        }
        return result(out, errors);
    }

    private static ConfigResult result(List<Directive> out, List<ConfigError> errors) {
        return errors.isEmpty()
                ? new ConfigResult.Parsed(new Config(out))
                : new ConfigResult.Invalid(errors);
    }

    private static void parseLine(
            String source, int number, String line, List<Directive> out, List<ConfigError> errors) {
        if (line.length() > MAX_LINE_LENGTH) {
            errors.add(
                    new ConfigError(
                            source,
                            number,
                            "expected a line of at most "
                                    + MAX_LINE_LENGTH
                                    + " characters, got "
                                    + line.length()));
            return;
        }
        List<String> words = ChronyWords.split(line);
        if (words.isEmpty() || COMMENT_STARTS.indexOf(words.getFirst().charAt(0)) >= 0) {
            return;
        }
        String name = Directive.lower(words.getFirst());
        String refused = DirectiveNames.refused(name);
        if (refused != null) {
            errors.add(new ConfigError(source, number, name + ": " + refused));
            return;
        }
        if (!DirectiveNames.isKnown(name)) {
            errors.add(
                    new ConfigError(
                            source, number, "unknown directive '" + words.getFirst() + "'"));
            return;
        }
        out.add(new Directive(name, words.subList(1, words.size()), source, number));
    }

    /** Every directive, in the order given. */
    public List<Directive> directives() {
        return directives;
    }

    /** The directives named {@code name} (any case), in order. */
    public List<Directive> directives(String name) {
        String n = Directive.lower(name);
        return directives.stream().filter(d -> d.name().equals(n)).toList();
    }

    /**
     * The last directive named {@code name}: for a setting given twice, the later one counts, as in
     * chronyd.
     */
    public Optional<Directive> last(String name) {
        List<Directive> all = directives(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /**
     * Whether a directive named {@code name} is present (for flag directives such as {@code
     * nosystemcert}).
     */
    public boolean has(String name) {
        return !directives(name).isEmpty();
    }

    /**
     * This configuration followed by {@code later} (for example a file, then command-line
     * directives).
     */
    public Config plus(Config later) {
        List<Directive> all = new ArrayList<>(directives);
        all.addAll(later.directives);
        return new Config(all);
    }

    /** The {@code server}, {@code pool} and {@code peer} lines, typed, in order. */
    public List<SourceDirective> sources() throws ConfigException {
        List<SourceDirective> out = new ArrayList<>();
        for (Directive d : directives) {
            if (SourceDirective.Kind.fromName(d.name()) != null) {
                out.add(SourceDirective.from(d));
            }
        }
        return out;
    }

    /** The configuration as text, one directive a line; parsing it gives the same directives. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (Directive d : directives) {
            sb.append(d.toLine()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Config[" + directives.size() + " directives]";
    }
}
