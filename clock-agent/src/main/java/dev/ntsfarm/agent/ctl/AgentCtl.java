package dev.ntsfarm.agent.ctl;

import dev.ntsfarm.core.clock.ChronycFormat;
import dev.ntsfarm.core.clock.LeapStatus;
import dev.ntsfarm.core.clock.Reach;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceState;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.clock.Tracking;
import dev.ntsfarm.proto.control.v1.AgentActivityReply;
import dev.ntsfarm.proto.control.v1.AgentActivityRequest;
import dev.ntsfarm.proto.control.v1.AgentAddSourceRequest;
import dev.ntsfarm.proto.control.v1.AgentAuthData;
import dev.ntsfarm.proto.control.v1.AgentAuthDataReply;
import dev.ntsfarm.proto.control.v1.AgentCommandReply;
import dev.ntsfarm.proto.control.v1.AgentMakeStepRequest;
import dev.ntsfarm.proto.control.v1.AgentSource;
import dev.ntsfarm.proto.control.v1.AgentSourceSelector;
import dev.ntsfarm.proto.control.v1.AgentSourceStats;
import dev.ntsfarm.proto.control.v1.AgentSourceStatsReply;
import dev.ntsfarm.proto.control.v1.AgentSourcesReply;
import dev.ntsfarm.proto.control.v1.AgentSourcesRequest;
import dev.ntsfarm.proto.control.v1.AgentTrackingReply;
import dev.ntsfarm.proto.control.v1.AgentTrackingRequest;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncReply;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncRequest;
import dev.ntsfarm.proto.control.v1.ClockAgentGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The clock agent's commands as chronyc 4.3 prints them: {@code tracking}, {@code sources},
 * {@code sourcestats}, {@code authdata}, {@code activity}, {@code waitsync}, {@code makestep},
 * {@code burst}, {@code online}, {@code offline}, {@code add server|pool|peer ...}, {@code delete ADDRESS}.
 * The format functions are pure so any CLI can print replies it obtained itself.
 */
public final class AgentCtl {

    /** chronyc's authdata header. */
    public static final String AUTHDATA_HEADER =
            "Name/IP address             Mode KeyID Type KLen Last Atmp  NAK Cook CLen";
    /** The agent's control port, chrony's command port. */
    public static final int DEFAULT_PORT = 323;
    public static final String DEFAULT_HOST = "127.0.0.1";

    private AgentCtl() {
    }

    // ---- formatting ----

    /** {@code sources}; {@code names}: show configured names (-N) instead of addresses. */
    public static String formatSources(AgentSourcesReply r, boolean names) {
        StringBuilder sb = new StringBuilder(ChronycFormat.header(ChronycFormat.SOURCES_HEADER));
        for (AgentSource s : r.getSourcesList()) {
            char mode = switch (s.getMode()) {
                case AGENT_MODE_PEER -> SourceReport.MODE_PEER;
                case AGENT_MODE_REFCLOCK -> SourceReport.MODE_REFCLOCK;
                default -> SourceReport.MODE_SERVER;
            };
            // chronyc's sign: positive when the local clock is ahead of the source
            sb.append(ChronycFormat.sourcesLine(new SourceReport(mode, state(s), names ? s.getName() : s.getAddress(),
                    s.getStratum(), s.getPoll(), new Reach(s.getReach() & 0xFF), s.getLastRxSeconds(),
                    -s.getAdjustedOffset(), -s.getMeasuredOffset(), s.getErrorBound()))).append('\n');
        }
        return sb.toString();
    }

    private static SourceState state(AgentSource s) {
        return switch (s.getState()) {
            case AGENT_STATE_SELECTED -> SourceState.SELECTED;
            case AGENT_STATE_COMBINED -> SourceState.COMBINED;
            case AGENT_STATE_NOT_COMBINED -> SourceState.NOT_COMBINED;
            case AGENT_STATE_FALSETICKER -> SourceState.FALSETICKER;
            case AGENT_STATE_JITTERY -> SourceState.JITTERY;
            default -> SourceState.UNUSABLE;
        };
    }

    public static String formatSourceStats(AgentSourceStatsReply r, boolean names) {
        StringBuilder sb = new StringBuilder(ChronycFormat.header(ChronycFormat.SOURCESTATS_HEADER));
        for (AgentSourceStats s : r.getSourcesList()) {
            sb.append(ChronycFormat.sourcestatsLine(new SourceStatsReport(names ? s.getName() : s.getAddress(),
                    s.getSamples(), s.getRuns(), s.getSpanSeconds(), s.getFrequencyPpm(), s.getSkewPpm(),
                    s.getOffset(), s.getStdDev()))).append('\n');
        }
        return sb.toString();
    }

    public static String formatTracking(AgentTrackingReply t) {
        return ChronycFormat.tracking(new Tracking(t.getReferenceId(), t.getReferenceName(), t.getStratum(),
                t.getReferenceTimeUnixNanos(), t.getSystemTime(), -t.getLastOffset(), t.getRmsOffset(),
                t.getFrequencyPpm(), t.getResidualFrequencyPpm(), t.getSkewPpm(), t.getRootDelay(),
                t.getRootDispersion(), t.getUpdateInterval(), LeapStatus.ofIndicator(t.getLeapValue())));
    }

    /** {@code authdata}, chronyc 4.3's columns: %-27s %4s %5u %4d %4d %I %4d %4d %4d %4d. */
    public static String formatAuthData(AgentAuthDataReply r, boolean names) {
        StringBuilder sb = new StringBuilder(ChronycFormat.header(AUTHDATA_HEADER));
        for (AgentAuthData a : r.getSourcesList()) {
            String mode = switch (a.getMode()) {
                case AGENT_AUTH_NTS -> "NTS";
                case AGENT_AUTH_SYMMETRIC -> "SYM";
                default -> "-";
            };
            sb.append(String.format(Locale.ROOT, "%-27s %4s %5d %4d %4d %s %4d %4d %4d %4d%n",
                    names ? a.getName() : a.getAddress(), mode, a.getKeyId(), a.getType(), a.getKeyLength(),
                    ChronycFormat.interval(a.getMode() == dev.ntsfarm.proto.control.v1.AgentAuthMode.AGENT_AUTH_NTS
                            ? a.getLastSeconds() : -1),
                    a.getAttempts(), a.getNaks(), a.getCookies(), a.getCookieLength()));
        }
        return sb.toString();
    }

    public static String formatActivity(AgentActivityReply a) {
        return "200 OK\n"
                + a.getOnline() + " sources online\n"
                + a.getOffline() + " sources offline\n"
                + a.getBurstOnline() + " sources doing burst (return to online)\n"
                + a.getBurstOffline() + " sources doing burst (return to offline)\n"
                + a.getUnresolved() + " sources with unknown address\n";
    }

    /** chronyc's waitsync line for one try. */
    public static String formatWaitSync(AgentWaitSyncReply w) {
        AgentTrackingReply t = w.getTracking();
        double correction = Math.abs(t.getSystemTime()) + t.getRootDelay() / 2 + t.getRootDispersion();
        return String.format(Locale.ROOT, "try: %d, refid: %s, correction: %.9f, skew: %.3f%n", w.getTries(),
                ChronycFormat.refId(t.getReferenceId()), correction, t.getSkewPpm());
    }

    public static String formatCommand(AgentCommandReply r) {
        return (r.getOk() ? "200 OK" : r.getMessage()) + "\n";
    }

    // ---- the command line ----

    /**
     * {@code [-h HOST] [-p PORT] [-N] [-n] COMMAND ...}: runs one command against the agent's control
     * endpoint and prints the reply; returns 0 on success, 1 when the agent said no or cannot be reached.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        boolean names = false;
        int i = 0;
        for (; i < args.length && args[i].startsWith("-"); i++) {
            switch (args[i]) {
                case "-h", "-p" -> {
                    if (i + 1 >= args.length) {
                        err.println("ctl: option " + args[i] + " needs an argument");
                        return 2;
                    }
                    String value = args[++i];
                    if (args[i - 1].equals("-h")) {
                        host = value;
                    } else {
                        try {
                            port = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            port = -1;
                        }
                        if (port < 1 || port > 65535) {
                            err.println("ctl: invalid port " + value + " (expected: 1 to 65535)");
                            return 2;
                        }
                    }
                }
                case "-N" -> names = true;
                case "-n", "-a", "-4", "-6" -> {
                    // addresses are never resolved; authentication comes later
                }
                default -> {
                    err.println("ctl: unknown option " + args[i]);
                    return 2;
                }
            }
        }
        if (i == args.length) {
            err.println("ctl: expected a command (tracking, sources, sourcestats, authdata, activity, waitsync, "
                    + "makestep, burst, online, offline, add, delete)");
            return 2;
        }
        return execute(host, port, names, Arrays.asList(args).subList(i, args.length), out, err);
    }

    /** The agent's command words, as {@code ntsctl} routes them here. */
    public static boolean handles(String command) {
        return COMMANDS.contains(command);
    }

    private static final List<String> COMMANDS = List.of("tracking", "sources", "sourcestats", "authdata",
            "activity", "waitsync", "makestep", "burst", "online", "offline", "add", "delete");

    /**
     * Runs one agent command against {@code host:port} and prints the reply as chronyc does.
     *
     * @return 0 on success, 1 when the agent said no, could not be reached or the syntax was wrong
     */
    public static int execute(String host, int port, boolean names, List<String> cmd, PrintStream out,
                              PrintStream err) {
        Vertx vertx = Vertx.vertx();
        try {
            ClockAgentGrpcClient c = ClockAgentGrpcClient.create(GrpcClient.client(vertx),
                    SocketAddress.inetSocketAddress(port, host));
            Future<String> reply;
            try {
                reply = call(c, cmd, names);
            } catch (NumberFormatException e) {
                err.println("Invalid syntax for " + cmd.getFirst() + " command");
                return 1;
            }
            if (reply == null) {
                err.println("Unrecognized command");
                return 1;
            }
            String text = reply.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
            out.print(text);
            return text.startsWith("200 OK") || !isCommand(cmd.getFirst()) ? 0 : 1;
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            err.println("506 Cannot talk to daemon (" + host + ":" + port + ": " + c.getMessage() + ")");
            return 1;
        } finally {
            vertx.close();
        }
    }

    private static boolean isCommand(String name) {
        return List.of("makestep", "burst", "online", "offline", "add", "delete").contains(name);
    }

    private static Future<String> call(ClockAgentGrpcClient c, List<String> cmd, boolean names) {
        String arg = cmd.size() > 1 ? cmd.get(1) : "";
        return switch (cmd.getFirst()) {
            case "tracking" -> c.tracking(AgentTrackingRequest.getDefaultInstance()).map(AgentCtl::formatTracking);
            case "sources" -> c.sources(AgentSourcesRequest.getDefaultInstance()).map(r -> formatSources(r, names));
            case "sourcestats" -> c.sourceStats(AgentSourcesRequest.getDefaultInstance())
                    .map(r -> formatSourceStats(r, names));
            case "authdata" -> c.authData(AgentSourcesRequest.getDefaultInstance()).map(r -> formatAuthData(r, names));
            case "activity" -> c.activity(AgentActivityRequest.getDefaultInstance()).map(AgentCtl::formatActivity);
            case "waitsync" -> c.waitSync(AgentWaitSyncRequest.newBuilder()
                    .setMaxTries(cmd.size() > 1 ? Integer.parseInt(cmd.get(1)) : 0)
                    .setMaxCorrection(cmd.size() > 2 ? Double.parseDouble(cmd.get(2)) : 0)
                    .setMaxSkewPpm(cmd.size() > 3 ? Double.parseDouble(cmd.get(3)) : 0)
                    .setInterval(cmd.size() > 4 ? Double.parseDouble(cmd.get(4)) : 0).build())
                    .map(AgentCtl::formatWaitSync);
            case "makestep" -> c.makeStep(AgentMakeStepRequest.newBuilder()
                    .setThreshold(cmd.size() > 2 ? Double.parseDouble(cmd.get(1)) : 0)
                    .setLimit(cmd.size() > 2 ? Integer.parseInt(cmd.get(2)) : 0).build()).map(AgentCtl::formatCommand);
            case "burst" -> c.burst(selector(cmd)).map(AgentCtl::formatCommand);
            case "online" -> c.online(selector(cmd)).map(AgentCtl::formatCommand);
            case "offline" -> c.offline(selector(cmd)).map(AgentCtl::formatCommand);
            case "add" -> c.addSource(AgentAddSourceRequest.newBuilder()
                    .setDirective(String.join(" ", cmd.subList(1, cmd.size()))).build()).map(AgentCtl::formatCommand);
            case "delete" -> c.deleteSource(AgentSourceSelector.newBuilder().setAddress(arg).build())
                    .map(AgentCtl::formatCommand);
            default -> null;
        };
    }

    /** chronyc's burst/online/offline take an optional address (its mask form is not supported). */
    private static AgentSourceSelector selector(List<String> cmd) {
        String a = cmd.size() > 1 && !cmd.get(1).contains("/") ? cmd.get(1) : "";
        return AgentSourceSelector.newBuilder().setAddress(a).build();
    }
}
