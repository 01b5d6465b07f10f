package dev.ntsfarm.agent;

import dev.ntsfarm.agent.kernel.KernelClock;
import dev.ntsfarm.agent.kernel.ReadOnlyClock;
import dev.ntsfarm.core.clock.Action;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.core.clock.Discipline;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code ntsfarm agent [-f FILE] [-x] [-Q|-q] [-t SECONDS] [DIRECTIVE ...]}, with chronyd's habits:
 * directives on the command line replace the configuration file; {@code -x} never touches the
 * clock; {@code -Q} measures once and prints {@code System clock wrong by S seconds (ignored)};
 * {@code -q} also steps the clock once. Like chronyd, messages go to standard error, each prefixed
 * with the UTC time.
 */
public final class AgentCommand {

    /** Where the configuration is read from when neither {@code -f} nor directives are given. */
    public static final String DEFAULT_CONFIG_FILE = "/etc/ntsfarm/agent.conf";

    static final String HELP =
            """
            usage: ntsfarm agent [-f FILE] [-x] [-Q|-q] [-t SECONDS] [DIRECTIVE ...]

            The clock agent: an NTS (and plain or symmetric-key NTP) client that keeps this host's clock,
            configured in chrony's language. Directives on the command line replace the file, as in chronyd.

              -f FILE      configuration file (default /etc/ntsfarm/agent.conf, when it exists)
              -x           never touch the system clock (corrections go to a clock kept in software);
                           without -x the agent needs CAP_SYS_TIME (root) and exits at start if it has not
              -Q           measure once, print "System clock wrong by S seconds (ignored)", exit
              -q           measure once, step the clock once (not beyond maxchange), exit
              -t SECONDS   with -Q/-q: give up after this long ("Timeout reached", exit 1)

            Directives: server HOST [port N] [ntsport N] [nts] [iburst] [burst] [xleave] [key ID] [minpoll N]
            [maxpoll N] [minsamples N] [maxsamples N] [polltarget N] [maxdelay S] [maxdelayratio R]
            [maxdelaydevratio R], pool, peer HOST key ID, ntstrustedcerts FILE, nosystemcert, nocerttimecheck N,
            ntsdumpdir DIR, ntsrefresh S, keyfile FILE, makestep THRESHOLD LIMIT, maxchange OFFSET START IGNORE,
            maxdistance S, maxjitter S, minsources N, maxupdateskew PPM, driftfile FILE,
            ntsaeads ID..., port N (the local port peers use), cmdport N (default 323; 0: a free port),
            bindcmdaddress ADDR|PATH (default 127.0.0.1 and ::1; a path adds a Unix socket),
            cmdallow/cmddeny SUBNET, commandkey N (default 1; made at first start when missing, in the keyfile,
            or without one in ntsfarm.keys of ntsdumpdir: default var/ here, /var/lib/ntsfarm when run from /).
            The control endpoint answers './ntsfarm ctl' (tracking, sources, sourcestats, authdata, ...);
            operational commands (makestep, burst, online, offline, add, delete) need 'ctl -a' (the command
            key) or root on a Unix socket (bindcmdaddress /run/ntsfarm/agent.sock).
            """;

    private AgentCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the agent with nothing attached; returns the exit status (0 success, 1 failure or
     * timeout, 2 usage).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, AgentDaemon.Attachments.NONE);
    }

    /**
     * Runs the agent; as a daemon with what {@code attachments} makes from the configuration (the
     * application's control endpoint). Returns the exit status (0 success, 1 failure or timeout, 2
     * usage).
     */
    public static int run(
            String[] args, PrintStream out, PrintStream err, AgentDaemon.Attachments attachments) {
        String file = null;
        boolean noClock = false;
        int oneShot = 0; // 'Q' or 'q'
        double timeout = -1;
        List<String> directives = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-x" -> noClock = true;
                case "-Q", "-q" -> oneShot = a.charAt(1);
                case "-d", "-n" -> {
                    // always in the foreground
                }
                case "-f", "-t" -> {
                    if (i + 1 == args.length) {
                        err.println("agent: option " + a + " needs an argument");
                        return 2;
                    }
                    String v = args[++i];
                    if (a.equals("-f")) {
                        file = v;
                    } else {
                        try {
                            timeout = Double.parseDouble(v);
                        } catch (NumberFormatException e) {
                            err.println("agent: -t expects a number of seconds, got \"" + v + "\"");
                            return 2;
                        }
                    }
                }
                case "-h", "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        err.println(
                                "agent: unknown option "
                                        + a
                                        + " (expected: -f FILE, -x, -Q, -q, -t SECONDS, -d, or directives)");
                        return 2;
                    }
                    directives.add(a);
                }
            }
        }
        Consumer<String> log =
                line -> err.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);

        Config raw;
        AgentConfig config;
        AgentDaemon.Attachment attachment;
        try {
            raw = readConfig(file, directives, err);
            if (raw == null) {
                return 1;
            }
            config = AgentConfig.from(raw);
            attachment = oneShot != 0 ? null : attachments.create(raw, log);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (oneShot != 0) {
            // -Q never touches the clock; -q -x goes through the motions on a clock kept in
            // software, as chronyd does
            ClockControl clock =
                    oneShot == 'q' && !noClock ? KernelClock.system() : new ReadOnlyClock();
            return oneShot(config, oneShot == 'q', clock, timeout, log);
        }
        return daemon(config, noClock, log, attachment);
    }

    /**
     * Directives on the command line replace the file, as with chronyd; null when it cannot be
     * read.
     */
    static Config readConfig(String file, List<String> directives, PrintStream err) {
        ConfigResult r;
        if (!directives.isEmpty()) {
            r = Config.fromArgs(directives);
        } else {
            Path p = Path.of(file != null ? file : DEFAULT_CONFIG_FILE);
            if (file == null && !Files.exists(p)) {
                r = Config.fromArgs(List.of());
            } else {
                try {
                    r = Config.parse(p.toString(), Files.readString(p));
                } catch (IOException e) {
                    err.println(p + ": cannot read the configuration (" + e.getMessage() + ")");
                    return null;
                }
            }
        }
        return switch (r) {
            case ConfigResult.Parsed p -> p.config();
            case ConfigResult.Invalid inv -> {
                inv.errors().forEach(e -> err.println(e));
                yield null;
            }
        };
    }

    /**
     * {@code -Q}/{@code -q}: start the sources, wait for the first clock update (at most {@code
     * timeout} seconds when positive), print the offset as chronyd does; {@code -q} steps the clock
     * by it, unless that is beyond {@code maxchange}.
     */
    static int oneShot(
            AgentConfig config,
            boolean correct,
            ClockControl clock,
            double timeout,
            Consumer<String> log) {
        Vertx vertx = Vertx.vertx();
        Agent agent =
                new Agent(
                        vertx,
                        config,
                        log,
                        clock,
                        correct ? Discipline.Mode.UPDATE_ONCE : Discipline.Mode.PRINT_ONCE);
        try {
            CompletableFuture<Action.OneShotDone> result =
                    agent.start()
                            .compose(v -> agent.oneShot())
                            .toCompletionStage()
                            .toCompletableFuture();
            Action.OneShotDone done =
                    timeout > 0
                            ? result.get((long) (timeout * 1000), TimeUnit.MILLISECONDS)
                            : result.get();
            if (done.failure() != null && Double.isNaN(done.wrongBy())) {
                log.accept(done.failure());
                return 1;
            }
            log.accept(
                    String.format(
                            Locale.ROOT,
                            "System clock wrong by %.6f seconds (%s)",
                            done.wrongBy(),
                            correct ? "step" : "ignored"));
            if (done.failure() != null) {
                log.accept(done.failure());
                return 1;
            }
            return 0;
        } catch (TimeoutException e) {
            log.accept("Timeout reached");
            return 1;
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            log.accept("Fatal error : " + c.getMessage());
            return 1;
        } finally {
            agent.stop()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(x -> null)
                    .join();
            vertx.close()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(x -> null)
                    .join();
        }
    }

    /** The daemon in the foreground until the JVM is asked to stop. */
    static int daemon(
            AgentConfig config,
            boolean noClock,
            Consumer<String> log,
            AgentDaemon.Attachment attachment) {
        AgentDaemon d = new AgentDaemon(config, noClock, log, attachment);
        try {
            d.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            log.accept("Fatal error : " + c.getMessage());
            d.stop();
            return 1;
        }
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread hook =
                new Thread(
                        () -> {
                            d.stop();
                            done.complete(0);
                        });
        Runtime.getRuntime().addShutdownHook(hook);
        // maxchange exceeded once too often: chronyd exits, and so does the agent
        d.agent()
                .exited()
                .onSuccess(
                        message -> {
                            log.accept("Fatal error : " + message);
                            done.complete(1);
                        });
        int status = done.join();
        if (status != 0) {
            Runtime.getRuntime().removeShutdownHook(hook);
            d.stop();
        }
        return status;
    }
}
