package dev.ntsfarm.app;

import dev.ntsfarm.app.host.Logging;
import dev.ntsfarm.app.host.SdNotify;
import dev.ntsfarm.control.ctl.Ntsctl;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import dev.ntsfarm.core.file.PidFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code up}, {@code nts-ke} and {@code ntp}: read the configuration as chronyd does, start the
 * role's services, say what listens where, then run in the foreground until SIGINT or SIGTERM and
 * stop cleanly. A configuration mistake prints {@code FILE:LINE: ...} and exits 1; a service that
 * cannot start says which and why and exits 1; neither prints a stack trace.
 */
final class ServiceCommand {

    private static final System.Logger LOG = System.getLogger(ServiceCommand.class.getName());

    /** What runs while the services are up: in production, waiting for a signal. */
    @FunctionalInterface
    interface Foreground {
        void run(Farm farm, String verification) throws Exception;
    }

    private ServiceCommand() {}

    static int run(
            Farm.Role role,
            List<String> args,
            PrintStream out,
            PrintStream err,
            Foreground foreground) {
        String name = name(role);
        if (args.contains("--help")) {
            out.print(help(role));
            return 0;
        }
        if (role != Farm.Role.ALL_IN_ONE
                && !args.contains("-f")
                && args.stream().noneMatch(a -> !a.startsWith("-"))) {
            err.println(
                    "ntsfarm "
                            + name
                            + ": expected -f FILE or directives (see 'ntsfarm "
                            + name
                            + " --help')");
            return 1;
        }
        Config config;
        switch (CommandLineConfig.load(args, null)) {
            case CommandLineConfig.Result.Failed f -> {
                f.messages().forEach(err::println);
                return 1;
            }
            case CommandLineConfig.Result.Loaded l -> config = l.config();
        }
        FarmState state = null;
        try {
            if (role == Farm.Role.ALL_IN_ONE) {
                state = FarmState.prepare(config, Path.of("").toAbsolutePath(), new SecureRandom());
                config = state.config();
            }
            Optional<Path> pidPath = pidFile(config);
            try (PidFile pid = pidPath.isPresent() ? PidFile.write(pidPath.get()) : null;
                    Farm farm = Farm.start(role, config)) {
                String verification =
                        state != null && farm.ntsKePort() > 0
                                ? verificationCommand(
                                        farm.ntpPort(), farm.ntsKePort(), state.certFile())
                                : null;
                out.print(banner(name, farm, state, verification));
                out.flush();
                foreground.run(farm, verification);
                out.println("ntsfarm " + name + ": stopping");
            }
            return 0;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException | GeneralSecurityException e) {
            err.println("ntsfarm " + name + ": " + e.getMessage());
            return 1;
        } catch (Farm.StartFailure e) {
            err.println("ntsfarm " + name + ": cannot start: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("ntsfarm " + name + ": " + e);
            return 1;
        }
    }

    /**
     * Runs until SIGINT or SIGTERM (the farm is then stopped by the caller, draining its services
     * in order, not by the JVM's exit). SIGHUP reloads and never stops: certificates, key file,
     * logs.
     */
    static void untilSignal(Farm farm, String verification) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        SdNotify systemd = SdNotify.fromEnvironment();
        String status = String.join("; ", farm.listening().stream().map(String::strip).toList());
        Signals.onStop(stop::countDown);
        Signals.onReload(
                () -> {
                    systemd.reloading();
                    Logging.reopen();
                    farm.reload()
                            .onComplete(
                                    r -> {
                                        if (r.succeeded()) {
                                            r.result()
                                                    .forEach(
                                                            line ->
                                                                    LOG.log(
                                                                            line.contains(
                                                                                            "not reloaded")
                                                                                    ? System.Logger
                                                                                            .Level
                                                                                            .WARNING
                                                                                    : System.Logger
                                                                                            .Level
                                                                                            .INFO,
                                                                            "SIGHUP: " + line));
                                        } else {
                                            LOG.log(
                                                    System.Logger.Level.WARNING,
                                                    "SIGHUP: reload failed: "
                                                            + r.cause().getMessage());
                                        }
                                        systemd.ready(status);
                                    });
                });
        // every listener is bound by now: a Type=notify unit counts as started from here
        systemd.ready(status);
        stop.await();
        systemd.stopping();
    }

    /** chronyd's {@code pidfile FILE}, when configured. */
    static Optional<Path> pidFile(Config config) throws ConfigException {
        Optional<Directive> d = config.last("pidfile");
        if (d.isEmpty()) {
            return Optional.empty();
        }
        d.get().expectArgs(1, 1);
        return Optional.of(Path.of(d.get().word(0, "a file name")));
    }

    static String name(Farm.Role role) {
        return switch (role) {
            case ALL_IN_ONE -> "up";
            case NTS_KE -> "nts-ke";
            case NTP -> "ntp";
        };
    }

    static String banner(String name, Farm farm, FarmState state, String verification) {
        StringBuilder sb = new StringBuilder();
        sb.append("ntsfarm ").append(name).append(": running (stop with Ctrl-C or SIGTERM)\n");
        for (String line : farm.listening()) {
            sb.append(line).append('\n');
        }
        if (state != null) {
            sb.append("state in ").append(state.varDir());
            if (!state.created().isEmpty()) {
                sb.append(" (created now: ")
                        .append(
                                String.join(
                                        ", ",
                                        state.created().stream()
                                                .map(p -> p.getFileName().toString())
                                                .toList()))
                        .append(')');
            }
            sb.append('\n');
            sb.append("  certificate ").append(state.certFile()).append('\n');
            sb.append("  key file    ")
                    .append(state.keyFile())
                    .append(" (command key ")
                    .append(
                            state.config()
                                    .last("commandkey")
                                    .map(d -> d.args().getFirst())
                                    .orElse("1"))
                    .append(")\n");
        }
        if (verification != null) {
            sb.append(
                            "verify NTS with chronyd (it prints \"System clock wrong by\" and leaves the clock alone):\n  ")
                    .append(verification)
                    .append('\n');
        }
        if (farm.cmdPort() > 0) {
            sb.append("server statistics:\n  ./ntsfarm ctl -p ")
                    .append(farm.cmdPort())
                    .append(" serverstats\n");
            if (state != null && state.keyFile().equals(Ntsctl.UP_KEY_FILE.toAbsolutePath())) {
                // ntsctl -a finds up's key file in the working directory
                sb.append("operational commands, with the command key:\n  ./ntsfarm ctl -p ")
                        .append(farm.cmdPort())
                        .append(" -a rekey\n");
            } else if (state != null) {
                sb.append("operational commands need the command key in ")
                        .append(state.keyFile())
                        .append(" (ntsctl's authhash and password)\n");
            }
        }
        return sb.toString();
    }

    /**
     * The chronyd command that checks the farm from this host. chronyd run as root reads {@code
     * ntstrustedcerts} after dropping to its own user, so when that user could not reach the
     * certificate the command keeps root ({@code -u root}).
     */
    static String verificationCommand(int ntpPort, int ntsKePort, Path cert) {
        boolean keepRoot =
                "root".equals(System.getProperty("user.name")) && !readableByOthers(cert);
        return "chronyd -Q -t 10"
                + (keepRoot ? " -u root" : "")
                + " "
                + shellQuote(
                        "server 127.0.0.1 port "
                                + ntpPort
                                + " ntsport "
                                + ntsKePort
                                + " iburst nts maxsamples 1")
                + " "
                + shellQuote("ntstrustedcerts " + cert.toAbsolutePath());
    }

    private static boolean readableByOthers(Path file) {
        try {
            Path p = file.toAbsolutePath();
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_READ)) {
                return false;
            }
            for (Path dir = p.getParent(); dir != null; dir = dir.getParent()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static String help(Farm.Role role) {
        return switch (role) {
            case ALL_IN_ONE ->
                    """
                    usage: ntsfarm up [-f FILE] [DIRECTIVE ...]

                    The all-in-one farm in the foreground: an embedded Hazelcast member, the NTS-KE
                    service, the NTP responder and the farm control endpoint in one JVM, until SIGINT or
                    SIGTERM. Configuration in chrony's language: -f FILE, or directives as arguments (one
                    directive per argument; as in chronyd, they replace the file).

                    Defaults: port 123 (NTP, udp), ntsport 4460 (NTS-KE, tcp), cmdport 9323 (farm control,
                    tcp, bound to 127.0.0.1 and ::1; bindcmdaddress ADDR|PATH to change, cmdallow and
                    cmddeny SUBNET for other clients), local stratum 1, allow 127.0.0.1 and ::1 only (add
                    allow directives to serve others), ntsrotate 604800. Operational control commands
                    (rekey) need the command key: 'ntsfarm ctl -a' in this directory reads it.
                    Port 0 (port, ntsport, cmdport) binds an ephemeral port.

                    State lives in ntsdumpdir DIR (default: var/ in the working directory; /var/lib/ntsfarm
                    when the working directory is /, as under systemd), made on first
                    start and reused after: cert.pem and key.pem (self-signed P-256, SAN localhost and
                    127.0.0.1; or ntsservercert/ntsserverkey), farm.secret (or farmsecret FILE),
                    ntsfarm.keys (chrony key file with a random command key "1 SHA1 HEX:...", or keyfile
                    FILE and commandkey N) and the master key seeds. Secret files are mode 0600.

                    Example: ntsfarm up 'port 11123' 'ntsport 14460' 'cmdport 19323'
                    """;
            case NTS_KE ->
                    """
                    usage: ntsfarm nts-ke -f FILE | DIRECTIVE ...

                    The NTS-KE service of a farm of separate processes, a member of its Hazelcast
                    cluster (cluster name NAME, cluster bind HOST:PORT, cluster member HOST:PORT).
                    Needs ntsserverkey, ntsservercert and farmsecret; ntsport (4460), ntsntpserver,
                    ntsntpport, ntsrotate, ntsdumpdir as in chronyd. A farm control endpoint only
                    when cmdport is given (bindcmdaddress, cmdallow, cmddeny, keyfile, commandkey; without
                    keyfile the command key is made in ntsfarm.keys of ntsdumpdir).
                    """;
            case NTP ->
                    """
                    usage: ntsfarm ntp -f FILE | DIRECTIVE ...

                    An NTP/NTS responder of a farm of separate processes, a Hazelcast client of its
                    cluster (cluster name NAME, cluster member HOST:PORT). Needs farmsecret (the same
                    file as the key services) and allow; port (123), bindaddress, deny, ratelimit,
                    local stratum N and keyfile as in chronyd. A farm control endpoint only when
                    cmdport is given (bindcmdaddress, cmdallow, cmddeny, keyfile, commandkey; without
                    keyfile the command key is made in ntsfarm.keys of ntsdumpdir, default var/ here).
                    """;
        };
    }
}
