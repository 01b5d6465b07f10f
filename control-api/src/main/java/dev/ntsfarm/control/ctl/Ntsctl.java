package dev.ntsfarm.control.ctl;

import com.google.protobuf.Message;
import dev.ntsfarm.control.CommandKeys;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.control.impl.ClockAgentRpcs;
import dev.ntsfarm.control.wire.AgentMessages;
import dev.ntsfarm.control.wire.FarmMessages;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.proto.control.v1.AgentActivityReply;
import dev.ntsfarm.proto.control.v1.AgentActivityRequest;
import dev.ntsfarm.proto.control.v1.AgentAddSourceRequest;
import dev.ntsfarm.proto.control.v1.AgentAuthDataReply;
import dev.ntsfarm.proto.control.v1.AgentCommandReply;
import dev.ntsfarm.proto.control.v1.AgentMakeStepRequest;
import dev.ntsfarm.proto.control.v1.AgentSourceSelector;
import dev.ntsfarm.proto.control.v1.AgentSourceStatsReply;
import dev.ntsfarm.proto.control.v1.AgentSourcesReply;
import dev.ntsfarm.proto.control.v1.AgentSourcesRequest;
import dev.ntsfarm.proto.control.v1.AgentTrackingReply;
import dev.ntsfarm.proto.control.v1.AgentTrackingRequest;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncReply;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncRequest;
import dev.ntsfarm.proto.control.v1.ClientsReply;
import dev.ntsfarm.proto.control.v1.ClientsRequest;
import dev.ntsfarm.proto.control.v1.ClockAgentGrpcService;
import dev.ntsfarm.proto.control.v1.FarmControlGrpcService;
import dev.ntsfarm.proto.control.v1.FarmServerStatsReply;
import dev.ntsfarm.proto.control.v1.KeysReply;
import dev.ntsfarm.proto.control.v1.KeysRequest;
import dev.ntsfarm.proto.control.v1.MembersReply;
import dev.ntsfarm.proto.control.v1.MembersRequest;
import dev.ntsfarm.proto.control.v1.RekeyReply;
import dev.ntsfarm.proto.control.v1.RekeyRequest;
import dev.ntsfarm.proto.control.v1.ServerStatsReply;
import dev.ntsfarm.proto.control.v1.ServerStatsRequest;
import io.vertx.grpc.common.ServiceName;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ntsctl}, the farm's chronyc: chronyc's options ({@link NtsctlOptions}), its commands and
 * its output ({@link ChronycReport}); with no command, commands read one a line until {@code quit},
 * {@code exit} or the end of input. Clock-agent commands go to port 323 and farm commands to 9323
 * unless {@code -p} names a port. Operational commands carry the command key's authenticator with
 * {@code -a} (read from the configuration's key file) or after {@code authhash} and {@code
 * password}. Exit status 0 when every command worked, 1 otherwise, as chronyc.
 */
public final class Ntsctl {

    /** Where the endpoints are looked for unless {@code -h} says otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** How long one command waits for its answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The configuration {@code -a} reads unless {@code -f} names another: the clock agent's. */
    public static final String DEFAULT_CONFIG_FILE = "/etc/ntsfarm/agent.conf";

    /**
     * The key file a service run here without {@code keyfile} and {@code ntsdumpdir} makes ({@code
     * up}'s too): {@code -a}'s choice when there is no configuration to read.
     */
    public static final Path UP_KEY_FILE =
            Path.of(ControlOptions.DEFAULT_STATE_DIR, ControlOptions.DEFAULT_KEY_FILE_NAME);

    /** The same for a service run from the root directory, as systemd starts one. */
    static final Path INSTALLED_KEY_FILE =
            ControlOptions.INSTALLED_STATE_DIR.resolve(ControlOptions.DEFAULT_KEY_FILE_NAME);

    static final Set<String> AGENT_COMMANDS =
            Set.of(
                    "tracking",
                    "sources",
                    "sourcestats",
                    "authdata",
                    "activity",
                    "waitsync",
                    "makestep",
                    "burst",
                    "online",
                    "offline",
                    "add",
                    "delete",
                    "rtcdata");
    static final Set<String> FARM_COMMANDS =
            Set.of("serverstats", "members", "keys", "rekey", "clients");

    static final String HELP =
            """
            Clock agent commands (default port 323):
              tracking                  display system time information
              sources                   display information about current sources
              sourcestats               display statistics about collected measurements
              authdata                  display information about authentication
              activity                  check how many NTP sources are online/offline
              waitsync [max-tries [max-correction [max-skew [interval]]]]
                                        wait until synchronised (interval at least 0.1 s)
            * makestep                  correct the clock by stepping immediately
            * burst|online|offline [ADDRESS]
                                        start a burst / set sources online / offline
            * add server|pool|peer ADDRESS [OPTIONS]
                                        add a source, options as in the configuration
            * delete ADDRESS            remove a source
            Farm commands (default port 9323):
              serverstats               the counters of each process of the farm and their sum
              members                   the processes of the farm
              keys                      the master key slots (ids, ages, the current one)
            * rekey                     a new current master key slot now
              clients                   the responder's per-client statistics
            Authentication (* operational commands need the command key):
              authhash HASH             the command key's hash (MD5 unless set)
              password [KEY]            the command key (ASCII:text, HEX:digits or text); prompted if omitted
              (ntsctl -a reads both from the key file of the configuration, -f CONF)
            Other:
              dns -n|+n|-4|-6|-46       accepted (ntsctl never looks names up)
              help                      this text
              quit, exit                leave the interactive prompt
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final NtsctlOptions options;
    private final InputStream in;
    private ControlClient client;
    private String authHash = "MD5";
    private SymmetricKey key;
    private boolean keyIdKnown;

    private Ntsctl(NtsctlOptions options, InputStream in, PrintStream out, PrintStream err) {
        this.options = options;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Runs one command line; commands typed at the prompt come from {@link System#in}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** Runs one command line; with no command, reads commands from {@code in}. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        switch (NtsctlOptions.parse(args)) {
            case NtsctlOptions.Parsed.Help h -> {
                out.println(NtsctlOptions.USAGE);
                out.print(HELP);
                return 0;
            }
            case NtsctlOptions.Parsed.Version v -> {
                out.println("ntsctl (ntsfarm) " + version());
                return 0;
            }
            case NtsctlOptions.Parsed.Mistake m -> {
                err.println("ntsctl: " + m.message());
                err.println(NtsctlOptions.USAGE);
                return 1;
            }
            case NtsctlOptions.Parsed.Run r -> {
                Ntsctl ctl = new Ntsctl(r.options(), in, out, err);
                try {
                    return ctl.main();
                } finally {
                    if (ctl.client != null) {
                        ctl.client.close();
                    }
                }
            }
        }
    }

    private int main() {
        List<String> words = options.words();
        if (words.isEmpty()) {
            return interactive();
        }
        if (options.multiple()) {
            boolean ok = true;
            for (String command : words) {
                ok &= execute(command);
            }
            return ok ? 0 : 1;
        }
        return execute(String.join(" ", words)) ? 0 : 1;
    }

    private BufferedReader reader;

    private BufferedReader reader() {
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return reader;
    }

    private boolean prompting() {
        return in == System.in && System.console() != null;
    }

    private int interactive() {
        boolean ok = true;
        while (true) {
            if (prompting()) {
                out.print("ntsctl> ");
                out.flush();
            }
            String line;
            try {
                line = reader().readLine();
            } catch (IOException e) {
                err.println("ntsctl: cannot read commands: " + e.getMessage());
                return 1;
            }
            if (line == null) {
                if (prompting()) {
                    out.println();
                }
                return ok ? 0 : 1;
            }
            String command = line.strip();
            if (command.equals("quit") || command.equals("exit")) {
                return ok ? 0 : 1;
            }
            if (!command.isEmpty() && !command.startsWith("#")) {
                ok &= execute(command);
            }
        }
    }

    /** One command; prints its report or what went wrong, and says whether it worked. */
    boolean execute(String line) {
        List<String> words = List.of(line.strip().split("\\s+"));
        String name = words.getFirst().toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        try {
            switch (name) {
                case "help" -> out.print(HELP);
                case "quit", "exit" -> {}
                case "dns" -> out.println("200 OK");
                case "authhash" -> authHash(args);
                case "password" -> password(args);
                case String agent when AGENT_COMMANDS.contains(agent) -> agent(agent, args);
                case String farm when FARM_COMMANDS.contains(farm) -> farm(farm, args);
                default -> throw new Failed("Unrecognized command");
            }
            out.flush();
            return true;
        } catch (Failed f) {
            out.flush();
            err.println(f.getMessage());
            return false;
        }
    }

    /** A command that did not work; the message is the whole story for the user. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    // ---- authentication ----

    private void authHash(List<String> args) throws Failed {
        if (args.size() != 1) {
            throw new Failed(
                    "Invalid syntax for authhash command (expected: authhash MD5|SHA1|SHA256|...)");
        }
        authHash = args.getFirst().toUpperCase(Locale.ROOT);
        out.println("200 OK");
    }

    private void password(List<String> args) throws Failed {
        String pw;
        if (args.size() == 1) {
            pw = args.getFirst();
        } else if (args.isEmpty()) {
            pw = readPassword();
        } else {
            throw new Failed("Invalid syntax for password command (expected: password [KEY])");
        }
        try {
            key = CommandKeys.fromPassword(ControlOptions.DEFAULT_COMMAND_KEY, authHash, pw);
            keyIdKnown = false;
        } catch (ConfigException e) {
            throw new Failed("Invalid password or hash: " + e.getMessage());
        }
        out.println("200 OK");
    }

    private String readPassword() throws Failed {
        Console console = System.console();
        if (in == System.in && console != null) {
            char[] pw = console.readPassword("Password: ");
            if (pw == null || pw.length == 0) {
                throw new Failed("No password given");
            }
            return new String(pw);
        }
        try {
            String line = reader().readLine();
            if (line == null || line.isBlank()) {
                throw new Failed("No password given");
            }
            return line.strip();
        } catch (IOException e) {
            throw new Failed("cannot read the password: " + e.getMessage());
        }
    }

    /**
     * The key for an operational call: the password given, or with -a the configuration's command
     * key.
     */
    private SymmetricKey commandKey() throws Failed {
        if (key != null || !options.authenticate()) {
            return key;
        }
        Path keyFile;
        long id;
        Path conf = Path.of(options.configFile().orElse(DEFAULT_CONFIG_FILE));
        if (Files.exists(conf)) {
            try {
                ConfigResult r = Config.parse(conf.toString(), Files.readString(conf));
                if (r instanceof ConfigResult.Invalid inv) {
                    throw new Failed(inv.errors().getFirst().toString());
                }
                Config config = ((ConfigResult.Parsed) r).config();
                ControlOptions c = ControlOptions.fromConfig(config, 0);
                // without keyfile, the service's state directory holds the key: the installed
                // configuration's service runs from the root directory, -f CONF's from here
                keyFile =
                        config.has("keyfile") || options.configFile().isPresent()
                                ? c.keyFile().orElseThrow()
                                : ControlOptions.defaultKeyFile(config, Path.of("/"));
                id = c.commandKey();
            } catch (IOException e) {
                throw new Failed("ntsctl -a: cannot read " + conf + " (" + e.getMessage() + ")");
            } catch (ConfigException e) {
                throw new Failed(e.getMessage());
            }
        } else if (options.configFile().isPresent()) {
            throw new Failed("ntsctl -a: no configuration file " + conf);
        } else if (Files.exists(UP_KEY_FILE)) {
            keyFile = UP_KEY_FILE;
            id = ControlOptions.DEFAULT_COMMAND_KEY;
        } else if (Files.exists(INSTALLED_KEY_FILE)) {
            keyFile = INSTALLED_KEY_FILE;
            id = ControlOptions.DEFAULT_COMMAND_KEY;
        } else {
            throw new Failed(
                    "ntsctl -a: no "
                            + DEFAULT_CONFIG_FILE
                            + ", no "
                            + UP_KEY_FILE
                            + " here and no "
                            + INSTALLED_KEY_FILE
                            + "; name the configuration with -f CONF");
        }
        try {
            key =
                    CommandKeys.read(keyFile, id)
                            .orElseThrow(
                                    () ->
                                            new Failed(
                                                    "ntsctl -a: "
                                                            + keyFile
                                                            + " has no command key "
                                                            + id
                                                            + " (the server writes it there at its first start)"));
            keyIdKnown = true;
            return key;
        } catch (AccessDeniedException e) {
            throw new Failed(
                    "ntsctl -a: cannot read "
                            + keyFile
                            + ": permission denied (it is 0600; run as its owner)");
        } catch (IOException e) {
            throw new Failed("ntsctl -a: cannot read " + keyFile + " (" + e.getMessage() + ")");
        } catch (ConfigException e) {
            throw new Failed(e.getMessage());
        }
    }

    // ---- the clock agent's commands ----

    private int port(boolean agent) {
        return options.port()
                .orElse(
                        agent
                                ? ControlOptions.DEFAULT_AGENT_PORT
                                : ControlOptions.DEFAULT_FARM_PORT);
    }

    private <Req extends Message, Resp extends Message> Resp call(
            boolean agent,
            String method,
            Req request,
            Resp type,
            boolean operational,
            Duration deadline)
            throws Failed {
        if (client == null) {
            client = new ControlClient(options.host() != null ? options.host() : DEFAULT_HOST);
        }
        ServiceName service =
                agent ? ClockAgentGrpcService.SERVICE_NAME : FarmControlGrpcService.SERVICE_NAME;
        SymmetricKey k = operational ? commandKey() : null;
        int port = port(agent);
        try {
            return client.call(port, service, method, request, type, deadline, k, keyIdKnown);
        } catch (ControlClient.CallFailed f) {
            throw new Failed(describe(f, agent, port));
        }
    }

    private <Req extends Message, Resp extends Message> Resp call(
            boolean agent, String method, Req request, Resp type, boolean operational)
            throws Failed {
        return call(agent, method, request, type, operational, DEFAULT_TIMEOUT);
    }

    /** chronyc's status words, then what the server said. */
    private String describe(ControlClient.CallFailed f, boolean agent, int port) {
        String what = agent ? "the clock agent" : "the farm control endpoint";
        String where = client.where(port);
        return switch (f.status) {
            case UNAVAILABLE ->
                    "506 Cannot talk to daemon: "
                            + what
                            + " at "
                            + where
                            + ": "
                            + f.getMessage()
                            + (options.port().isEmpty() && !client.unixSocket()
                                    ? " (is it running? its cmdport decides the port; ntsctl -p PORT)"
                                    : "");
            case DEADLINE_EXCEEDED ->
                    "506 Cannot talk to daemon: " + what + " at " + where + ": " + f.getMessage();
            case PERMISSION_DENIED, UNAUTHENTICATED -> "501 Not authorised: " + f.getMessage();
            case NOT_FOUND -> "503 No such source: " + f.getMessage();
            case UNIMPLEMENTED -> "505 Not served here (" + where + "): " + f.getMessage();
            case INVALID_ARGUMENT -> "502 Invalid command: " + f.getMessage();
            default -> "500 Failure: " + f.getMessage();
        };
    }

    private void agent(String name, List<String> args) throws Failed {
        boolean names = options.names();
        boolean csv = options.csv();
        switch (name) {
            case "tracking" -> {
                noArgs(name, args);
                var t =
                        AgentMessages.fromWire(
                                call(
                                        true,
                                        "Tracking",
                                        AgentTrackingRequest.getDefaultInstance(),
                                        AgentTrackingReply.getDefaultInstance(),
                                        false));
                out.print(csv ? ChronycReport.trackingCsv(t) : ChronycReport.tracking(t));
            }
            case "sources" -> {
                noArgs(name, args);
                var rows =
                        AgentMessages.sourcesFromWire(
                                call(
                                        true,
                                        "Sources",
                                        AgentSourcesRequest.getDefaultInstance(),
                                        AgentSourcesReply.getDefaultInstance(),
                                        false));
                out.print(
                        csv
                                ? ChronycReport.sourcesCsv(rows, names)
                                : ChronycReport.sources(rows, names));
            }
            case "sourcestats" -> {
                noArgs(name, args);
                var rows =
                        AgentMessages.sourceStatsFromWire(
                                call(
                                        true,
                                        "SourceStats",
                                        AgentSourcesRequest.getDefaultInstance(),
                                        AgentSourceStatsReply.getDefaultInstance(),
                                        false));
                out.print(
                        csv
                                ? ChronycReport.sourceStatsCsv(rows, names)
                                : ChronycReport.sourceStats(rows, names));
            }
            case "authdata" -> {
                noArgs(name, args);
                var rows =
                        AgentMessages.authDataFromWire(
                                call(
                                        true,
                                        "AuthData",
                                        AgentSourcesRequest.getDefaultInstance(),
                                        AgentAuthDataReply.getDefaultInstance(),
                                        false));
                out.print(
                        csv
                                ? ChronycReport.authDataCsv(rows, names)
                                : ChronycReport.authData(rows, names));
            }
            case "activity" -> {
                noArgs(name, args);
                out.print(
                        ChronycReport.activity(
                                AgentMessages.fromWire(
                                        call(
                                                true,
                                                "Activity",
                                                AgentActivityRequest.getDefaultInstance(),
                                                AgentActivityReply.getDefaultInstance(),
                                                false))));
            }
            case "waitsync" -> waitSync(args);
            case "makestep" -> {
                if (!args.isEmpty() && args.size() != 2) {
                    throw new Failed(
                            "Invalid syntax for makestep command (expected: makestep [THRESHOLD LIMIT])");
                }
                AgentMakeStepRequest.Builder b = AgentMakeStepRequest.newBuilder();
                if (args.size() == 2) {
                    try {
                        b.setThreshold(Double.parseDouble(args.get(0)))
                                .setLimit(Integer.parseInt(args.get(1)));
                    } catch (NumberFormatException e) {
                        throw new Failed("Invalid syntax for makestep command");
                    }
                }
                command(
                        call(
                                true,
                                "MakeStep",
                                b.build(),
                                AgentCommandReply.getDefaultInstance(),
                                true));
            }
            case "burst", "online", "offline" -> {
                if (args.size() > 1) {
                    throw new Failed(
                            "Invalid syntax for "
                                    + name
                                    + " command (expected: "
                                    + name
                                    + " [ADDRESS])");
                }
                String method = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
                command(
                        call(
                                true,
                                method,
                                AgentSourceSelector.newBuilder()
                                        .setAddress(args.isEmpty() ? "" : args.getFirst())
                                        .build(),
                                AgentCommandReply.getDefaultInstance(),
                                true));
            }
            case "add" -> {
                if (args.size() < 2
                        || !Set.of("server", "pool", "peer").contains(args.getFirst())) {
                    throw new Failed(
                            "Invalid syntax for add command (expected: add server|pool|peer ADDRESS [OPTIONS])");
                }
                command(
                        call(
                                true,
                                "AddSource",
                                AgentAddSourceRequest.newBuilder()
                                        .setDirective(String.join(" ", args))
                                        .build(),
                                AgentCommandReply.getDefaultInstance(),
                                true));
            }
            case "delete" -> {
                if (args.size() != 1) {
                    throw new Failed(
                            "Invalid syntax for delete command (expected: delete ADDRESS)");
                }
                command(
                        call(
                                true,
                                "DeleteSource",
                                AgentSourceSelector.newBuilder()
                                        .setAddress(args.getFirst())
                                        .build(),
                                AgentCommandReply.getDefaultInstance(),
                                true));
            }
            case "rtcdata" ->
                    throw new Failed(
                            "505 Facility not enabled in daemon: the clock agent keeps no RTC data");
            default -> throw new Failed("Unrecognized command");
        }
    }

    private void command(AgentCommandReply reply) {
        out.println(reply.getMessage().isEmpty() ? "200 OK" : reply.getMessage());
    }

    private static void noArgs(String name, List<String> args) throws Failed {
        if (!args.isEmpty()) {
            throw new Failed("Invalid syntax for " + name + " command");
        }
    }

    private void waitSync(List<String> args) throws Failed {
        AgentWaitSyncRequest.Builder b = AgentWaitSyncRequest.newBuilder();
        try {
            if (args.size() > 4) {
                throw new NumberFormatException();
            }
            if (!args.isEmpty()) {
                b.setMaxTries(Integer.parseUnsignedInt(args.get(0)));
            }
            if (args.size() > 1) {
                b.setMaxCorrection(Double.parseDouble(args.get(1)));
            }
            if (args.size() > 2) {
                b.setMaxSkewPpm(Double.parseDouble(args.get(2)));
            }
            if (args.size() > 3) {
                b.setInterval(Double.parseDouble(args.get(3)));
            }
        } catch (NumberFormatException e) {
            throw new Failed("Invalid syntax for waitsync command");
        }
        if (b.getInterval() != 0 && !(b.getInterval() >= ClockAgentRpcs.MIN_WAITSYNC_INTERVAL)) {
            throw new Failed(
                    "Invalid syntax for waitsync command (the interval is at least "
                            + ClockAgentRpcs.MIN_WAITSYNC_INTERVAL
                            + " s)");
        }
        double interval =
                b.getInterval() > 0 ? b.getInterval() : ClockAgentRpcs.DEFAULT_WAITSYNC_INTERVAL;
        long tries =
                b.getMaxTries() == 0
                        ? ClockAgentRpcs.MAX_WAITSYNC_TRIES
                        : Math.min(
                                ClockAgentRpcs.MAX_WAITSYNC_TRIES,
                                Integer.toUnsignedLong(b.getMaxTries()));
        Duration deadline = DEFAULT_TIMEOUT.plusMillis((long) (tries * interval * 1000));
        AgentWaitSyncReply r =
                call(
                        true,
                        "WaitSync",
                        b.build(),
                        AgentWaitSyncReply.getDefaultInstance(),
                        false,
                        deadline);
        out.print(ChronycReport.waitSync(r.getTries(), AgentMessages.fromWire(r.getTracking())));
        if (!r.getSynchronised()) {
            throw new Failed("500 Failure: not synchronised after " + r.getTries() + " tries");
        }
    }

    // ---- the farm's commands ----

    private void farm(String name, List<String> args) throws Failed {
        boolean csv = options.csv();
        switch (name) {
            case "serverstats" -> {
                if (args.size() > 1 || (args.size() == 1 && !args.getFirst().equals("local"))) {
                    throw new Failed(
                            "Invalid syntax for serverstats command (expected: serverstats [local])");
                }
                if (args.isEmpty()) {
                    var stats =
                            FarmMessages.fromWire(
                                    call(
                                            false,
                                            "FarmServerStats",
                                            ServerStatsRequest.getDefaultInstance(),
                                            FarmServerStatsReply.getDefaultInstance(),
                                            false));
                    out.print(
                            csv
                                    ? ChronycReport.farmServerStatsCsv(stats)
                                    : ChronycReport.farmServerStats(stats));
                    return;
                }
                var counters =
                        FarmMessages.fromReply(
                                call(
                                        false,
                                        "ServerStats",
                                        ServerStatsRequest.getDefaultInstance(),
                                        ServerStatsReply.getDefaultInstance(),
                                        false));
                out.print(
                        csv
                                ? ChronycReport.serverStatsCsv(counters)
                                : ChronycReport.serverStats(counters));
            }
            case "members" -> {
                noArgs(name, args);
                var members =
                        FarmMessages.membersFromWire(
                                call(
                                        false,
                                        "Members",
                                        MembersRequest.getDefaultInstance(),
                                        MembersReply.getDefaultInstance(),
                                        false));
                out.print(csv ? ChronycReport.membersCsv(members) : ChronycReport.members(members));
            }
            case "keys" -> {
                noArgs(name, args);
                var keys =
                        FarmMessages.fromWire(
                                call(
                                        false,
                                        "Keys",
                                        KeysRequest.getDefaultInstance(),
                                        KeysReply.getDefaultInstance(),
                                        false));
                out.print(csv ? ChronycReport.keysCsv(keys) : ChronycReport.keys(keys));
            }
            case "rekey" -> {
                noArgs(name, args);
                RekeyReply r =
                        call(
                                false,
                                "Rekey",
                                RekeyRequest.getDefaultInstance(),
                                RekeyReply.getDefaultInstance(),
                                true);
                out.println("200 OK");
                out.println("current slot " + Integer.toUnsignedLong(r.getCurrentSlot()));
            }
            case "clients" -> {
                noArgs(name, args);
                var clients =
                        FarmMessages.clientsFromWire(
                                call(
                                        false,
                                        "Clients",
                                        ClientsRequest.getDefaultInstance(),
                                        ClientsReply.getDefaultInstance(),
                                        false));
                out.print(csv ? ChronycReport.clientsCsv(clients) : ChronycReport.clients(clients));
            }
            default -> throw new Failed("Unrecognized command");
        }
    }

    private static String version() {
        String v = Ntsctl.class.getPackage().getImplementationVersion();
        return v != null ? v : "development";
    }
}
