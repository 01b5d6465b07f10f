package dev.ntsfarm.core.config;

import java.util.Objects;

/**
 * A typed reader found an argument it cannot accept. It carries the {@link ConfigError}; its
 * message is the error's {@code FILE:LINE: MESSAGE} text.
 */
public final class ConfigException extends Exception {

    private final transient ConfigError error;

    public ConfigException(ConfigError error) {
        super(Objects.requireNonNull(error, "error").toString(), null, false, false);
        this.error = error;
    }

    public ConfigError error() {
        return error;
    }
}
