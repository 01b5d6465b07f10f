package dev.ntsfarm.app;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigError;
import dev.ntsfarm.core.config.ConfigResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's command line as chronyd reads its own: {@code [-f FILE] [DIRECTIVE ...]}, one
 * directive per argument. As in chronyd, directives given on the command line replace the file:
 * when there is at least one, the file is not read.
 */
final class CommandLineConfig {

    /** The configuration, or the lines to print before exiting with status 1. */
    sealed interface Result {
        record Loaded(Config config, String source) implements Result {}

        record Failed(List<String> messages) implements Result {}
    }

    private CommandLineConfig() {}

    /**
     * @param args the arguments after the subcommand
     * @param defaultFile the file read when neither {@code -f} nor a directive is given; null for
     *     none (then the configuration is empty and every default applies)
     */
    static Result load(List<String> args, Path defaultFile) {
        Path file = null;
        List<String> inline = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-f")) {
                if (i + 1 >= args.size()) {
                    return new Result.Failed(List.of("option -f needs a file name"));
                }
                file = Path.of(args.get(++i));
            } else if (a.startsWith("-") && inline.isEmpty()) {
                return new Result.Failed(List.of("unknown option " + a));
            } else {
                inline.add(a);
            }
        }
        if (!inline.isEmpty()) {
            return result(Config.fromArgs(inline), Config.COMMAND_LINE);
        }
        Path chosen = file != null ? file : defaultFile;
        if (chosen == null) {
            return new Result.Loaded(Config.of(List.of()), "defaults");
        }
        String text;
        try {
            text = Files.readString(chosen, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Result.Failed(List.of("cannot read " + chosen + ": no such file"));
        } catch (IOException e) {
            return new Result.Failed(List.of("cannot read " + chosen + ": " + e.getMessage()));
        }
        return result(Config.parse(chosen.toString(), text), chosen.toString());
    }

    private static Result result(ConfigResult r, String source) {
        return switch (r) {
            case ConfigResult.Parsed p -> new Result.Loaded(p.config(), source);
            case ConfigResult.Invalid inv ->
                    new Result.Failed(inv.errors().stream().map(ConfigError::toString).toList());
        };
    }
}
