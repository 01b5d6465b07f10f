package dev.ntsfarm.app;

import dev.ntsfarm.agent.AgentCommand;
import dev.ntsfarm.agent.AgentConfig;
import dev.ntsfarm.app.bench.BenchCommand;
import dev.ntsfarm.app.host.LogSettings;
import dev.ntsfarm.app.host.Logging;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.control.ctl.Ntsctl;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.metrics.MetricsOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The one runnable jar: every ntsfarm service is a subcommand. */
public final class Main {

    /** Exit status for a command line that could not be understood, as the launcher uses. */
    static final int EXIT_USAGE = 2;

    /** The subcommands that run as services, in the foreground until SIGINT or SIGTERM. */
    static final List<String> SERVICES = List.of("up", "nts-ke", "ntp", "agent");

    private Main() {}

    public static void main(String[] args) {
        if (args.length > 0 && SERVICES.contains(args[0])) {
            // from the first instant: a SIGHUP during start must not end a service (the JVM's
            // default)
            Signals.onReload(Logging::reopen);
            switch (LogSettings.from(args[0], List.of(args).subList(1, args.length))) {
                case LogSettings.Parsed.Mistake m -> {
                    System.err.println("ntsfarm " + args[0] + ": " + m.message());
                    System.exit(1);
                }
                case LogSettings.Parsed.Ok ok -> {
                    try {
                        Logging.configure(
                                ok.settings().level(),
                                ok.settings().file(),
                                ok.settings().format());
                    } catch (IOException e) {
                        System.err.println(
                                "ntsfarm " + args[0] + ": cannot open the log: " + e.getMessage());
                        System.exit(1);
                    }
                    List<String> rest = new ArrayList<>(List.of(args[0]));
                    rest.addAll(ok.settings().rest());
                    args = rest.toArray(String[]::new);
                }
            }
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return EXIT_USAGE;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (command) {
            case "ctl" -> Ntsctl.run(rest, out, err);
            case "bench" -> BenchCommand.run(rest, out, err);
            case "agent" -> AgentCommand.run(rest, out, err, AgentServices.attachments());
            case "up" ->
                    ServiceCommand.run(
                            Farm.Role.ALL_IN_ONE,
                            List.of(rest),
                            out,
                            err,
                            ServiceCommand::untilSignal);
            case "nts-ke" ->
                    ServiceCommand.run(
                            Farm.Role.NTS_KE, List.of(rest), out, err, ServiceCommand::untilSignal);
            case "ntp" ->
                    ServiceCommand.run(
                            Farm.Role.NTP, List.of(rest), out, err, ServiceCommand::untilSignal);
            case "validate" -> ValidateCommand.run(List.of(rest), out, err);
            case "version" -> {
                out.println("ntsfarm " + version() + " on Java " + Runtime.version());
                yield 0;
            }
            case "help", "-h", "--help" -> {
                usage(out);
                yield 0;
            }
            default -> {
                err.println("ntsfarm: unknown command '" + command + "'");
                usage(err);
                yield EXIT_USAGE;
            }
        };
    }

    /**
     * Reads {@code config} exactly as {@code ntsfarm SUBCOMMAND} reads it before it starts (every
     * typed reader of that service, no other), starting nothing and writing nothing: how a shipped
     * example configuration is checked against the service that will read it.
     */
    public static void readConfigAs(String subcommand, Config config) throws ConfigException {
        switch (subcommand) {
            case "up" -> Farm.Settings.read(Farm.Role.ALL_IN_ONE, config);
            case "nts-ke" -> Farm.Settings.read(Farm.Role.NTS_KE, config);
            case "ntp" -> Farm.Settings.read(Farm.Role.NTP, config);
            case "agent" -> {
                AgentConfig.from(config);
                // what AgentServices.from reads, without making the command key in the key file
                ControlOptions.fromConfig(config, ControlOptions.DEFAULT_AGENT_PORT);
                MetricsOptions.fromConfig(config);
            }
            default ->
                    throw new IllegalArgumentException(
                            "not a service: " + subcommand + " (expected one of " + SERVICES + ")");
        }
        ServiceCommand.pidFile(config);
        LogSettings.check(config);
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "development";
    }

    static void usage(PrintStream to) {
        to.print(
                """
                usage: ntsfarm COMMAND [ARGS...]

                Commands:
                  up [-f FILE] [DIRECTIVE ...]
                             the all-in-one farm in the foreground: NTS-KE (4460/tcp), NTP (123/udp),
                             farm control (9323/tcp, loopback) and an embedded Hazelcast member; makes
                             its certificate, farm secret and key file under var/ ('up --help')
                  nts-ke -f FILE | DIRECTIVE ...
                             the NTS-KE service of a farm of separate processes (Hazelcast member)
                  ntp -f FILE | DIRECTIVE ...
                             an NTP/NTS responder of such a farm (Hazelcast client)
                  agent [-f FILE] [-x] [-Q|-q] [-t SECONDS] [DIRECTIVE ...]
                             the clock agent, an NTS client that disciplines this host's clock
                             (-x: never touch the clock; -Q: measure once and print
                             'System clock wrong by S seconds (ignored)'; -q: correct it once)
                  ctl [-h HOST] [-p PORT] [-a] [-f CONF] [-c] [-n] [-N] [-m] [COMMAND]
                             ntsctl, the farm's chronyc: serverstats, members, keys, rekey, clients
                             ask the farm control endpoint (default port 9323); tracking, sources,
                             sourcestats, authdata, activity, waitsync, makestep, burst, online,
                             offline, add, delete ask the clock agent (default port 323); -a: the
                             command key from CONF's keyfile for operational commands; -h: a name,
                             an address or a Unix socket path; no COMMAND: read commands from stdin
                             ('ctl --help')
                  bench [OPTIONS]
                             the load generator (NTP, NTS, NTS-KE) against any RFC 8915 server,
                             chronyd included ('bench --help')
                  validate -f FILE | DIRECTIVE ...
                             check a configuration as every service reads it, starting nothing;
                             exit 0, or FILE:LINE: lines and exit 1
                  version    print the version of ntsfarm and of the JDK it runs on
                  help       this text

                The services (up, nts-ke, ntp, agent) also take chronyd's -L LEVEL (-1 debug, 0 info,
                1 warning, 2 error) and -l FILE (log there instead of standard error); logdir DIR and
                logformat text|json in the configuration. Metrics and a status page on metricsport
                (9975). SIGHUP reloads certificates, the key file and the log; SIGTERM stops.
                """);
    }
}
