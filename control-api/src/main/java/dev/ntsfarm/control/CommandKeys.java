package dev.ntsfarm.control;

import dev.ntsfarm.core.config.ConfigError;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.file.PrivateFile;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.KeyFileResult;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The command key in chrony's key file ({@code keyfile FILE}, {@code commandkey N}): read by the
 * endpoints and by {@code ntsctl -a}, and, as the seed describes, generated at first start when the
 * file has none (a random SHA1 key, the file written whole, 0600). The one writer of key files.
 */
public final class CommandKeys {

    private CommandKeys() {}

    /** The key {@code id} of {@code file}; empty when the file or the key is missing. */
    public static Optional<SymmetricKey> read(Path file, long id)
            throws IOException, ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return parse(file, text).get(id);
    }

    /**
     * The key {@code id} of {@code file}, made and written first when the file or the key is
     * missing (the file's other keys are kept).
     */
    public static SymmetricKey ensure(Path file, long id, SecureRandom random)
            throws IOException, ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            text = "";
        }
        Optional<SymmetricKey> existing = parse(file, text).get(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        SymmetricKey key = SymmetricKey.generate(id, MacAlgorithm.SHA1, random);
        // appended, so the file's other lines and comments stay as they were
        String line = KeyFile.formatLine(key) + "\n";
        String updated = text.isEmpty() || text.endsWith("\n") ? text + line : text + "\n" + line;
        PrivateFile.write(file, updated.getBytes(StandardCharsets.US_ASCII));
        return key;
    }

    /**
     * A key from chronyc's {@code authhash} and {@code password} ({@code ASCII:}, {@code HEX:} or
     * plain text).
     */
    public static SymmetricKey fromPassword(long id, String hash, String password)
            throws ConfigException {
        return parse(Path.of("password"), id + " " + hash + " " + password)
                .get(id)
                .orElseThrow(
                        () ->
                                new ConfigException(
                                        new ConfigError("password", 1, "expected a password")));
    }

    private static KeyFile parse(Path file, String text) throws ConfigException {
        return switch (KeyFile.parse(file.toString(), text)) {
            case KeyFileResult.Parsed p -> p.keyFile();
            case KeyFileResult.Invalid inv -> throw new ConfigException(inv.errors().getFirst());
        };
    }
}
