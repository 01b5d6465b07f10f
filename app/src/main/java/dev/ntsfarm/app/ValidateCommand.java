package dev.ntsfarm.app;

import dev.ntsfarm.agent.AgentConfig;
import dev.ntsfarm.app.host.LogSettings;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.KeyFileResult;
import dev.ntsfarm.farm.keys.ClusterOptions;
import dev.ntsfarm.farm.keys.FarmKeyOptions;
import dev.ntsfarm.farm.keys.FarmSecretFile;
import dev.ntsfarm.ke.service.NtsKeOptions;
import dev.ntsfarm.ke.service.NtsKeServer;
import dev.ntsfarm.metrics.MetricsOptions;
import dev.ntsfarm.ntp.service.NtpOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code ntsfarm validate [-f FILE] [DIRECTIVE ...]}: reads a configuration as every service would
 * and starts nothing (chronyd -p's spirit). Every directive is checked by the one typed reader that
 * the services use, each line on its own so that every faulty line is reported, then the whole for
 * what spans lines (key and certificate pairs); the files it names are read as at start (key file,
 * certificate pairs, farm secret). A key file or farm secret that does not exist yet is no mistake:
 * the services make them at first start. Exit 0 when all is well, else 1 with one {@code FILE:LINE:
 * ...} line a mistake.
 */
final class ValidateCommand {

    /** One typed reader of a service's directives. */
    @FunctionalInterface
    private interface Reader {
        void read(Config c) throws ConfigException;
    }

    private static final List<Reader> READERS =
            List.of(
                    ClusterOptions::fromConfig,
                    FarmKeyOptions::fromConfig,
                    NtpOptions::fromConfig,
                    NtsKeOptions::fromConfig,
                    c -> ControlOptions.fromConfig(c, ControlOptions.DEFAULT_FARM_PORT),
                    MetricsOptions::fromConfig,
                    AgentConfig::from,
                    ServiceCommand::pidFile,
                    LogSettings::check);

    /** Directives whose meaning spans lines: checked with the whole configuration only. */
    private static final Set<String> PAIRED = Set.of("ntsserverkey", "ntsservercert");

    private ValidateCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.isEmpty()) {
            (args.isEmpty() ? err : out)
                    .print(
                            """
                    usage: ntsfarm validate -f FILE | DIRECTIVE ...

                    Checks a configuration as up, nts-ke, ntp and agent read it, without starting anything:
                    every directive and its arguments, the key file, the key and certificate pairs and the
                    farm secret it names. Exit 0 when all is well; otherwise one FILE:LINE: line a mistake
                    on standard error, and exit 1.
                    """);
            return args.isEmpty() ? 1 : 0;
        }
        Config config;
        String source;
        switch (CommandLineConfig.load(args, null)) {
            case CommandLineConfig.Result.Failed f -> {
                f.messages().forEach(err::println);
                return 1;
            }
            case CommandLineConfig.Result.Loaded l -> {
                config = l.config();
                source = l.source();
            }
        }
        List<String> problems = problems(config);
        if (problems.isEmpty()) {
            out.println(source + ": " + config.directives().size() + " directives, no mistakes");
            return 0;
        }
        problems.forEach(err::println);
        return 1;
    }

    /** Every mistake found, in line order where the readers allow, without repeats. */
    static List<String> problems(Config config) {
        return problems(config, true);
    }

    /**
     * As {@link #problems(Config)}; without {@code readFiles}, the files named are left unread (a
     * template).
     */
    static List<String> problems(Config config, boolean readFiles) {
        Set<String> found = new LinkedHashSet<>();
        // the key file is read here, whole, when it exists: a service makes a missing one at start
        List<Directive> others =
                config.directives().stream().filter(d -> !d.name().equals("keyfile")).toList();
        for (Directive d : others) {
            if (PAIRED.contains(d.name())) {
                continue;
            }
            for (Reader r : READERS) {
                check(r, Config.of(List.of(d)), found);
            }
        }
        for (Reader r : READERS) {
            check(r, Config.of(others), found);
        }
        for (Directive d : config.directives("keyfile")) {
            keyFile(d, readFiles, found);
        }
        if (found.isEmpty() && readFiles) {
            files(config, found);
        }
        return new ArrayList<>(found);
    }

    private static void check(Reader r, Config c, Set<String> found) {
        try {
            r.read(c);
        } catch (ConfigException e) {
            found.add(e.getMessage());
        } catch (RuntimeException e) {
            // a reader that trips over a line still names it
            Directive d = c.directives().isEmpty() ? null : c.directives().getFirst();
            found.add(
                    d != null
                            ? d.error("cannot be read (" + e.getClass().getSimpleName() + ")")
                                    .toString()
                            : e.toString());
        }
    }

    private static void keyFile(Directive d, boolean readFiles, Set<String> found) {
        try {
            d.expectArgs(1, 1);
        } catch (ConfigException e) {
            found.add(e.getMessage());
            return;
        }
        Path file = Path.of(d.args().getFirst());
        if (!readFiles || !Files.exists(file)) {
            return;
        }
        try {
            switch (KeyFile.parse(
                    file.toString(), Files.readString(file, StandardCharsets.UTF_8))) {
                case KeyFileResult.Parsed p -> {}
                case KeyFileResult.Invalid inv ->
                        inv.errors().forEach(e -> found.add(e.toString()));
            }
        } catch (IOException e) {
            found.add(
                    d.error(
                                    "expected a readable key file, could not read "
                                            + file
                                            + " ("
                                            + e.getClass().getSimpleName()
                                            + ")")
                            .toString());
        }
    }

    /** The files the configuration names, read as the services read them at start. */
    private static void files(Config config, Set<String> found) {
        List<Directive> keys = config.directives("ntsserverkey");
        List<Directive> certs = config.directives("ntsservercert");
        if (!keys.isEmpty() && keys.size() == certs.size()) {
            Vertx vertx = Vertx.vertx();
            try {
                for (int i = 0; i < keys.size(); i++) {
                    NtsKeOptions.KeyCertPair pair =
                            new NtsKeOptions.KeyCertPair(
                                    Path.of(keys.get(i).args().getFirst()),
                                    Path.of(certs.get(i).args().getFirst()));
                    Optional<String> problem = NtsKeServer.checkPair(vertx, pair);
                    if (problem.isPresent()) {
                        found.add(certs.get(i).error(problem.get()).toString());
                    }
                }
            } finally {
                vertx.close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .orTimeout(10, TimeUnit.SECONDS);
            }
        }
        Optional<Directive> secret = config.last("farmsecret");
        if (secret.isPresent() && secret.get().size() == 1) {
            Path file = Path.of(secret.get().args().getFirst());
            // up creates a missing secret; a present one must read
            if (Files.exists(file)) {
                try {
                    FarmSecretFile.read(file);
                } catch (IOException e) {
                    found.add(secret.get().error(e.getMessage()).toString());
                }
            }
        }
    }
}
