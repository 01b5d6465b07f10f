package dev.ntsfarm.app.host;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.config.Directive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;

/**
 * Where and how a service logs, from its command line as chronyd's ({@code -L LEVEL}, {@code -l
 * FILE}) and its configuration ({@code logdir DIR}: the log is {@code DIR/ntsfarm-COMMAND.log};
 * {@code logformat text|json}). {@code -l} wins over {@code logdir}.
 *
 * @param level the lowest level written
 * @param file the log file; empty for standard error
 * @param format text lines or JSON lines
 * @param rest the arguments left for the command
 */
public record LogSettings(
        Level level, Optional<Path> file, Logging.Format format, List<String> rest) {

    /** What the command line asks of logging, or the mistake in it. */
    public sealed interface Parsed {
        record Ok(LogSettings settings) implements Parsed {}

        record Mistake(String message) implements Parsed {}
    }

    /**
     * Takes {@code -L} and {@code -l} out of a service's arguments and reads the configuration it
     * names.
     */
    public static Parsed from(String command, List<String> args) {
        Level level = Level.INFO;
        Path file = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-L") || a.equals("-l")) {
                if (i + 1 >= args.size()) {
                    return new Parsed.Mistake(
                            "option "
                                    + a
                                    + " needs "
                                    + (a.equals("-L") ? "a level" : "a file name"));
                }
                String v = args.get(++i);
                if (a.equals("-L")) {
                    Optional<Level> l = Logging.level(v);
                    if (l.isEmpty()) {
                        return new Parsed.Mistake(
                                "option -L: expected a level (-1 debug, 0 info, 1 warning, 2 error,"
                                        + " or the name), got \""
                                        + v
                                        + "\"");
                    }
                    level = l.get();
                } else {
                    file = Path.of(v);
                }
            } else {
                rest.add(a);
            }
        }
        Config config = configOf(rest);
        Logging.Format format = Logging.Format.TEXT;
        try {
            format = format(config);
            if (file == null) {
                Optional<Path> dir = logdir(config);
                if (dir.isPresent()) {
                    file = dir.get().resolve("ntsfarm-" + command + ".log");
                }
            }
        } catch (ConfigException e) {
            // the command reads the same configuration and reports the mistake with its line
        }
        return new Parsed.Ok(
                new LogSettings(level, Optional.ofNullable(file), format, List.copyOf(rest)));
    }

    /** {@code logformat text|json}. */
    public static Logging.Format format(Config config) throws ConfigException {
        Optional<Directive> d = config.last("logformat");
        if (d.isEmpty()) {
            return Logging.Format.TEXT;
        }
        d.get().expectArgs(1, 1);
        return switch (d.get().args().getFirst().toLowerCase(Locale.ROOT)) {
            case "text" -> Logging.Format.TEXT;
            case "json" -> Logging.Format.JSON;
            default ->
                    throw d.get()
                            .fail(
                                    "expected text or json, got \""
                                            + d.get().args().getFirst()
                                            + "\"");
        };
    }

    /** chronyd's {@code logdir DIR}. */
    public static Optional<Path> logdir(Config config) throws ConfigException {
        Optional<Directive> d = config.last("logdir");
        if (d.isEmpty()) {
            return Optional.empty();
        }
        d.get().expectArgs(1, 1);
        return Optional.of(Path.of(d.get().args().getFirst()));
    }

    /** Checks both directives ({@code ntsfarm validate}). */
    public static void check(Config config) throws ConfigException {
        format(config);
        logdir(config);
    }

    /** The configuration of {@code -f FILE} or of the inline directives, as far as it reads. */
    private static Config configOf(List<String> args) {
        List<String> inline = new ArrayList<>();
        Path file = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-f") && i + 1 < args.size()) {
                file = Path.of(args.get(++i));
            } else if (a.equals("-t") || a.equals("-p") || a.equals("-h")) {
                i++;
            } else if (!a.startsWith("-")) {
                inline.add(a);
            }
        }
        ConfigResult r;
        if (!inline.isEmpty()) {
            r = Config.fromArgs(inline);
        } else if (file != null) {
            try {
                r = Config.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                return Config.of(List.of());
            }
        } else {
            return Config.of(List.of());
        }
        return r instanceof ConfigResult.Parsed p ? p.config() : Config.of(List.of());
    }
}
