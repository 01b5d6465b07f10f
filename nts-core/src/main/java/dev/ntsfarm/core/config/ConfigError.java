package dev.ntsfarm.core.config;

import java.util.Objects;

/**
 * One mistake in a configuration or key file: where it is and what was expected there.
 *
 * @param file the source name (a path, or {@code "command line"} for inline directives)
 * @param line 1-based line number (for inline directives, the argument's position)
 * @param message what went wrong, starting with the directive name when there is one
 */
public record ConfigError(String file, int line, String message) {

    public ConfigError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** {@code FILE:LINE: MESSAGE}, the form a compiler uses, so editors can jump to it. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
