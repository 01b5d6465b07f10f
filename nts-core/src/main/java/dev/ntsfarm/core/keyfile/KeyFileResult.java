package dev.ntsfarm.core.keyfile;

import dev.ntsfarm.core.config.ConfigError;
import java.util.List;
import java.util.Objects;

/** What {@link KeyFile#parse} found: a key file, or every mistake in the text. */
public sealed interface KeyFileResult {

    /** Every line was a valid key. */
    record Parsed(KeyFile keyFile) implements KeyFileResult {
        public Parsed {
            Objects.requireNonNull(keyFile, "keyFile");
        }
    }

    /** At least one line was wrong; each error names the line and what was expected. */
    record Invalid(List<ConfigError> errors) implements KeyFileResult {
        public Invalid {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an invalid key file has at least one error");
            }
        }
    }
}
