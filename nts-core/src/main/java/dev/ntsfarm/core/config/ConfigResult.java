package dev.ntsfarm.core.config;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Config#parse} or {@link Config#fromArgs} found: a configuration, or every mistake.
 */
public sealed interface ConfigResult {

    /** Every line was a known directive. */
    record Parsed(Config config) implements ConfigResult {
        public Parsed {
            Objects.requireNonNull(config, "config");
        }
    }

    /** At least one line was wrong; each error names the file, the line and what was expected. */
    record Invalid(List<ConfigError> errors) implements ConfigResult {
        public Invalid {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException(
                        "an invalid configuration has at least one error");
            }
        }
    }
}
