package dev.ntsfarm.app;

import dev.ntsfarm.control.CommandKeys;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import dev.ntsfarm.core.file.PrivateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the all-in-one farm keeps on disk, in its state directory ({@code ntsdumpdir}; else var/ in
 * the working directory, or /var/lib/ntsfarm when that is the root directory: {@link
 * ControlOptions#stateDirectory}), made on first start and reused after:
 *
 * <pre>
 *   cert.pem        self-signed P-256 certificate for localhost and 127.0.0.1 (unless ntsservercert/ntsserverkey)
 *   key.pem         its private key, 0600
 *   farm.secret     the farm secret, 0600 (unless farmsecret FILE)
 *   ntsfarm.keys    chrony key file with a random command key "1 SHA1 HEX:...", 0600 (unless keyfile FILE)
 *   ntsfarm-seeds   the master key seeds, dumped by the key service
 * </pre>
 *
 * The returned configuration is the user's with these files (and the farm's defaults: {@code local
 * stratum 1}; {@code allow} of the loopback addresses when no {@code allow}/{@code deny} is given)
 * added before it as directives, so every service reads one configuration.
 *
 * @param config the effective configuration
 * @param varDir the state directory (absolute)
 * @param certFile the certificate clients must trust, when the farm made or was given one
 * @param keyFile the chrony key file
 * @param created what this start created, for the operator
 */
record FarmState(Config config, Path varDir, Path certFile, Path keyFile, List<Path> created) {

    static final String CERT_FILE = "cert.pem";
    static final String KEY_FILE = "key.pem";
    static final String SECRET_FILE = "farm.secret";

    /** chronyc's habit: the command key is key 1 unless {@code commandkey} names another. */
    static final long DEFAULT_COMMAND_KEY = ControlOptions.DEFAULT_COMMAND_KEY;

    static final String DEFAULTS = "ntsfarm up defaults";

    static FarmState prepare(Config user, Path workingDir, SecureRandom random)
            throws IOException, ConfigException, GeneralSecurityException {
        List<Directive> added = new ArrayList<>();
        List<Path> created = new ArrayList<>();
        Path varDir = ControlOptions.stateDirectory(user, workingDir).toAbsolutePath().normalize();
        if (!user.has("ntsdumpdir")) {
            added.add(directive("ntsdumpdir", varDir.toString()));
        }
        Files.createDirectories(varDir);

        Path cert;
        boolean hasKey = user.has("ntsserverkey");
        boolean hasCert = user.has("ntsservercert");
        if (hasKey != hasCert) {
            Directive d = user.last(hasKey ? "ntsserverkey" : "ntsservercert").orElseThrow();
            throw d.fail(
                    "expected ntsserverkey and ntsservercert together (a key and its certificate)");
        }
        if (hasCert) {
            cert = workingDir.resolve(single(user, "ntsservercert").orElseThrow()).toAbsolutePath();
        } else {
            cert = varDir.resolve(CERT_FILE);
            Path key = varDir.resolve(KEY_FILE);
            if (!Files.exists(cert) || !Files.exists(key)) {
                SelfSignedCertificate generated = SelfSignedCertificate.generate(random);
                PrivateFile.write(
                        key, generated.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
                PrivateFiles.writePublic(
                        cert, generated.certificatePem().getBytes(StandardCharsets.US_ASCII));
                created.add(cert);
                created.add(key);
            }
            added.add(directive("ntsserverkey", key.toString()));
            added.add(directive("ntsservercert", cert.toString()));
        }

        if (!user.has("farmsecret")) {
            Path secret = varDir.resolve(SECRET_FILE);
            if (!Files.exists(secret)) {
                created.add(secret);
            }
            added.add(directive("farmsecret", secret.toString()));
        }

        Path keys =
                user.has("keyfile")
                        ? workingDir.resolve(single(user, "keyfile").orElseThrow()).toAbsolutePath()
                        : varDir.resolve(ControlOptions.DEFAULT_KEY_FILE_NAME);
        if (!user.has("keyfile")) {
            added.add(directive("keyfile", keys.toString()));
        }
        long commandKey = DEFAULT_COMMAND_KEY;
        Optional<Directive> ck = user.last("commandkey");
        if (ck.isPresent()) {
            ck.get().expectArgs(1, 1);
            commandKey = ck.get().unsigned32(0, "a key number");
        } else {
            added.add(directive("commandkey", Long.toString(commandKey)));
        }
        boolean existed = Files.exists(keys);
        // the control plane's one key-file writer: the command key is added when the file lacks it
        if (CommandKeys.read(keys, commandKey).isEmpty()) {
            CommandKeys.ensure(keys, commandKey, random);
            created.add(keys);
        } else if (!existed) {
            created.add(keys);
        }

        if (!user.has("local")) {
            added.add(directive("local", "stratum", "1"));
        }
        if (!user.has("allow") && !user.has("deny")) {
            added.add(directive("allow", "127.0.0.1"));
            added.add(directive("allow", "::1"));
        }
        return new FarmState(Config.of(added).plus(user), varDir, cert, keys, List.copyOf(created));
    }

    private static Optional<String> single(Config c, String name) throws ConfigException {
        Optional<Directive> d = c.last(name);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        d.get().expectArgs(1, 1);
        return Optional.of(d.get().word(0));
    }

    private static Directive directive(String name, String... args) {
        return new Directive(name, List.of(args), DEFAULTS, 0);
    }
}
