package dev.ntsfarm.control;

import dev.ntsfarm.agent.ctl.AgentCtl;
import dev.ntsfarm.proto.control.v1.FarmControlGrpcClient;
import dev.ntsfarm.proto.control.v1.ServerStatsReply;
import dev.ntsfarm.proto.control.v1.ServerStatsRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.InvalidStatusException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ntsctl}, the farm's chronyc: the same options ({@code -h HOST}, {@code -p PORT}, {@code -c},
 * {@code -n}, {@code -N}, {@code -4}, {@code -6}, {@code -m}, {@code -d}), the command words after them,
 * and with no command an interactive prompt reading commands until {@code quit}, {@code exit} or the
 * end of input. Exit status 0 when every command worked, 1 otherwise, as chronyc.
 */
public final class Ntsctl {

    /** Where the farm control endpoint is looked for unless {@code -h} says otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The farm control port. */
    public static final int DEFAULT_PORT = FarmControlOptions.DEFAULT_CMD_PORT;
    /** How long one command waits for the farm's answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    static final String USAGE = "Usage: ntsctl [-h HOST] [-p PORT] [-n] [-N] [-c] [-d] [-4|-6] [-m] [COMMAND]";
    static final String HELP = """
            Commands (farm control, default port 9323):
              serverstats   display statistics of the server
            Commands (clock agent, default port 323):
              tracking      display system time information
              sources       display information about current sources
              sourcestats   display statistics about collected measurements
              authdata      display information about authentication
              activity      check how many NTP sources are online/offline
              waitsync [max-tries [max-correction [max-skew [interval]]]]
                            wait until synchronised
              makestep      correct the clock by stepping immediately
              burst|online|offline [ADDRESS]
                            start a burst / set sources online / offline
              add server|pool|peer ADDRESS [OPTIONS]
                            add a source
              delete ADDRESS
                            remove a source
            Other:
              help          this text
              quit, exit    leave the interactive prompt
            """;

    private final PrintStream out;
    private final PrintStream err;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    /** -p given: every command goes to that port; otherwise each endpoint's own default. */
    private boolean portGiven;
    private boolean names;
    private boolean csv;
    private Vertx vertx;
    private GrpcClient grpc;

    private Ntsctl(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs one command line; commands typed at the prompt come from {@link System#in}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** Runs one command line; with no command, reads commands from {@code in}. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Ntsctl ctl = new Ntsctl(out, err);
        try {
            return ctl.main(args, in);
        } finally {
            ctl.close();
        }
    }

    private int main(String[] args, InputStream in) {
        boolean multiple = false;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-")) {
                break;
            }
            switch (a) {
                case "-h", "-p", "-f" -> {
                    if (i + 1 >= args.length) {
                        err.println("ntsctl: option " + a + " needs an argument");
                        err.println(USAGE);
                        return 1;
                    }
                    String value = args[++i];
                    if (a.equals("-h")) {
                        host = value;
                    } else if (a.equals("-p")) {
                        Integer p = parsePort(value);
                        if (p == null) {
                            err.println("ntsctl: invalid port " + value + " (expected: 1 to 65535)");
                            return 1;
                        }
                        port = p;
                        portGiven = true;
                    }
                    // -f: chronyc 4.3 accepts and ignores it; so does ntsctl
                }
                case "-c" -> csv = true;
                // -N: the agent prints sources by their configured names; nothing is resolved by DNS
                case "-N" -> names = true;
                case "-n", "-d", "-4", "-6", "-a" -> { }
                case "-m" -> multiple = true;
                case "-v", "--version" -> {
                    out.println("ntsctl (ntsfarm) " + version());
                    return 0;
                }
                case "--help" -> {
                    out.println(USAGE);
                    out.print(HELP);
                    return 0;
                }
                default -> {
                    err.println("ntsctl: unknown option " + a);
                    err.println(USAGE);
                    return 1;
                }
            }
        }
        List<String> words = List.of(args).subList(i, args.length);
        if (words.isEmpty()) {
            return interactive(in);
        }
        if (multiple) {
            boolean ok = true;
            for (String command : words) {
                ok &= execute(command);
            }
            return ok ? 0 : 1;
        }
        return execute(String.join(" ", words)) ? 0 : 1;
    }

    private int interactive(InputStream in) {
        boolean prompt = in == System.in && System.console() != null;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        boolean ok = true;
        while (true) {
            if (prompt) {
                out.print("ntsctl> ");
                out.flush();
            }
            String line;
            try {
                line = reader.readLine();
            } catch (IOException e) {
                err.println("ntsctl: cannot read commands: " + e.getMessage());
                return 1;
            }
            if (line == null) {
                if (prompt) {
                    out.println();
                }
                return ok ? 0 : 1;
            }
            String command = line.strip();
            if (command.equals("quit") || command.equals("exit")) {
                return ok ? 0 : 1;
            }
            if (!command.isEmpty()) {
                ok &= execute(command);
            }
        }
    }

    /** One command; prints its report or what went wrong, and says whether it worked. */
    private boolean execute(String line) {
        List<String> words = new ArrayList<>(List.of(line.strip().split("\\s+")));
        String name = words.getFirst().toLowerCase(Locale.ROOT);
        switch (name) {
            case "serverstats" -> {
                if (words.size() > 1) {
                    err.println("Invalid syntax for serverstats command");
                    return false;
                }
                return serverStats();
            }
            case "help" -> {
                out.print(HELP);
                return true;
            }
            case String agent when AgentCtl.handles(agent) -> {
                return AgentCtl.execute(host, portGiven ? port : AgentCtl.DEFAULT_PORT, names, words, out, err) == 0;
            }
            case "quit", "exit" -> {
                return true;
            }
            default -> {
                err.println("Unrecognized command");
                return false;
            }
        }
    }

    private boolean serverStats() {
        try {
            ServerStatsReply reply = await(client().serverStats(ServerStatsRequest.getDefaultInstance()));
            var counters = ServerStatsMessages.fromReply(reply);
            out.print(csv ? ServerStatsReport.csv(counters) : ServerStatsReport.text(counters));
            out.flush();
            return true;
        } catch (FarmUnreachable e) {
            err.println(e.getMessage());
            return false;
        }
    }

    private FarmControlGrpcClient client() {
        if (vertx == null) {
            vertx = Vertx.vertx();
            grpc = GrpcClient.client(vertx, new GrpcClientOptions()
                    .setTimeout((int) DEFAULT_TIMEOUT.toSeconds()).setTimeoutUnit(TimeUnit.SECONDS)
                    .setScheduleDeadlineAutomatically(true));
        }
        // an IPv6 literal goes in brackets, or the request's :authority is not a valid host:port
        String literal = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return FarmControlGrpcClient.create(grpc, SocketAddress.inetSocketAddress(port, literal));
    }

    private <T> T await(Future<T> f) throws FarmUnreachable {
        try {
            return f.toCompletionStage().toCompletableFuture()
                    .get(DEFAULT_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new FarmUnreachable(where() + ": " + reason(e.getCause()));
        } catch (TimeoutException e) {
            throw new FarmUnreachable(where() + ": no reply within " + DEFAULT_TIMEOUT.toSeconds() + " seconds");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FarmUnreachable(where() + ": interrupted");
        }
    }

    private String where() {
        return "Cannot talk to the farm at " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The cause in a few plain words: "connection refused", "unknown host", a gRPC status. */
    static String reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || (c.getMessage() != null && c.getMessage().startsWith("Connection refused"))) {
                return "connection refused";
            }
            if (c instanceof UnknownHostException) {
                return "unknown host";
            }
            if (c instanceof InvalidStatusException s) {
                return "the farm answered with status " + s.actualStatus();
            }
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int colon = m.indexOf(": /");
        m = colon > 0 ? m.substring(0, colon) : m;
        return Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    private static Integer parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 1 && p <= 65535 ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String version() {
        String v = Ntsctl.class.getPackage().getImplementationVersion();
        return v != null ? v : "development";
    }

    private void close() {
        if (vertx != null) {
            try {
                grpc.close();
                vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // nothing left to do at exit
            }
        }
    }

    /** The farm could not be asked; the message is the whole story for the user. */
    private static final class FarmUnreachable extends Exception {
        FarmUnreachable(String message) {
            super(message, null, false, false);
        }
    }
}
