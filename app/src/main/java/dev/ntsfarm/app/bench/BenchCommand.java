package dev.ntsfarm.app.bench;

import dev.ntsfarm.agent.nts.NtsKeClient;
import dev.ntsfarm.agent.nts.NtsTrust;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.ke.KeProtocol;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code ntsfarm bench}: a load generator for any NTP or NTS (RFC 8915) server, ours or chronyd.
 * Mode {@code ntp} sends plain mode 3 requests; mode {@code nts} does one NTS-KE (JDK TLS 1.3, ALPN
 * {@code ntske/1}) and then sends NTS requests with the 8 cookies it got, reused round-robin.
 * Bounded by {@code --count} and {@code --duration} (at most {@value #MAX_DURATION_SECONDS} s);
 * open loop with {@code --rate}, otherwise closed loop with {@code --window} requests outstanding.
 * Reports sent, received, loss, requests per second and latency percentiles. {@code --warmup} first
 * runs the same load unmeasured, so this JVM's own compiler is done with the load's code before the
 * measured run (a client compiling while it measures lengthens the tail it reports, and takes CPU
 * from the server on a small machine).
 */
public final class BenchCommand {

    /** Exit status for a command line that could not be understood. */
    public static final int EXIT_USAGE = 2;

    /** Exit status when the run could not be made (NTS-KE refused, socket error). */
    public static final int EXIT_FAILURE = 1;

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 123;
    public static final long DEFAULT_COUNT = 100_000;
    public static final double DEFAULT_DURATION_SECONDS = 10;

    /** The hard cap on a run, whatever is asked. */
    public static final double MAX_DURATION_SECONDS = 60;

    public static final int DEFAULT_WINDOW = 32;
    public static final long DEFAULT_TIMEOUT_MILLIS = 1000;

    private BenchCommand() {}

    static final String USAGE =
            """
            usage: ntsfarm bench [OPTIONS]

            Load generator for an NTP or NTS server (ours or chronyd). Every run is bounded by
            --count and --duration (at most 60 s).

              --mode ntp|nts      plain NTPv4 mode 3 requests, or NTS (one NTS-KE, then NTS requests
                                  with the 8 cookies reused round-robin)             [ntp]
              --host HOST         the server                                          [127.0.0.1]
              --port N            its NTP port (in nts mode, unless NTS-KE names another) [123]
              --ntsport N         its NTS-KE port                                     [4460]
              --aead ID           the AEAD to ask NTS-KE for: 15, 16, 17 or 30        [15]
              --cacert FILE       PEM certificates to trust for NTS-KE (needed in nts mode)
              --count N           requests to send at most                            [100000]
              --duration S        seconds to send at most (capped at 60)              [10]
              --rate R            open loop: R requests per second
              --window W          closed loop: W requests outstanding (without --rate)  [32]
              --timeout MS        closed loop: an answer later than this counts as lost [1000]
              --server-pid PID    also report the server's CPU time per answered request: every
                                  thread of process PID (/proc/PID/task/*/schedstat), before and after
              --warmup S          first send the same load for S seconds, not measured (the
                                  client's own JIT compiles meanwhile; at most 60)    [0]
              --help              this text
            """;

    /** Runs {@code ntsfarm bench ARGS}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String mode = "ntp";
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        int ntsPort = KeProtocol.DEFAULT_PORT;
        AeadAlgorithm aead = AeadAlgorithm.AES_SIV_CMAC_256;
        Path caCert = null;
        long count = DEFAULT_COUNT;
        double duration = DEFAULT_DURATION_SECONDS;
        double rate = 0;
        int window = DEFAULT_WINDOW;
        long timeout = DEFAULT_TIMEOUT_MILLIS;
        long serverPid = 0;
        double warmup = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    case "--mode" -> {
                        mode = value(args, ++i, a);
                        if (!mode.equals("ntp") && !mode.equals("nts")) {
                            throw new IllegalArgumentException(
                                    "--mode: expected ntp or nts, got \"" + mode + "\"");
                        }
                    }
                    case "--host" -> host = value(args, ++i, a);
                    case "--port" -> port = (int) number(args, ++i, a, 1, 65535);
                    case "--ntsport" -> ntsPort = (int) number(args, ++i, a, 1, 65535);
                    case "--aead" -> {
                        int id = (int) number(args, ++i, a, 0, 65535);
                        aead = AeadAlgorithm.fromId(id);
                        if (aead == null) {
                            throw new IllegalArgumentException(
                                    "--aead: expected 15, 16, 17 or 30, got " + id);
                        }
                    }
                    case "--cacert" -> caCert = Path.of(value(args, ++i, a));
                    case "--count" -> count = number(args, ++i, a, 1, Long.MAX_VALUE);
                    case "--duration" ->
                            duration = decimal(args, ++i, a, 0.001, MAX_DURATION_SECONDS);
                    case "--rate" -> rate = decimal(args, ++i, a, 1, 1e8);
                    case "--window" -> window = (int) number(args, ++i, a, 1, 1 << 16);
                    case "--timeout" -> timeout = number(args, ++i, a, 1, 60_000);
                    case "--server-pid" -> serverPid = number(args, ++i, a, 1, Integer.MAX_VALUE);
                    case "--warmup" -> warmup = decimal(args, ++i, a, 0, MAX_DURATION_SECONDS);
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown option \"" + a + "\" (see --help)");
                }
            }
            if (mode.equals("nts") && caCert == null) {
                throw new IllegalArgumentException(
                        "--mode nts needs --cacert FILE (the NTS-KE server's certificate or its CA)");
            }
        } catch (IllegalArgumentException e) {
            err.println("ntsfarm bench: " + e.getMessage());
            return EXIT_USAGE;
        }

        RequestSource requests;
        InetSocketAddress target;
        try {
            if (mode.equals("nts")) {
                // the clock agent's NTS-KE client: JDK TLS 1.3, ALPN ntske/1, keys from the
                // exporter
                NtsAssociation.Session ke =
                        new NtsKeClient(
                                        NtsTrust.of(List.of(caCert), false, () -> true),
                                        (int) timeout * 5)
                                .negotiate(host, ntsPort, List.of(aead), port);
                NtsSession session =
                        new NtsSession(
                                ke.keys().algorithm(),
                                ke.keys().c2s(),
                                ke.keys().s2c(),
                                ke.cookies(),
                                ke.ntpServer(),
                                ke.ntpPort());
                out.println("NTS-KE " + host + ":" + ntsPort + ": " + session);
                requests = RequestSource.nts(session);
                target = new InetSocketAddress(session.ntpHost(), session.ntpPort());
            } else {
                requests = RequestSource.plain();
                target = new InetSocketAddress(host, port);
            }
            if (target.isUnresolved()) {
                err.println("ntsfarm bench: cannot resolve " + target.getHostString());
                return EXIT_FAILURE;
            }
            LoadGenerator.Settings settings =
                    new LoadGenerator.Settings(
                            target,
                            count,
                            (long) (duration * 1e9),
                            rate,
                            window,
                            TimeUnit.MILLISECONDS.toNanos(timeout),
                            TimeUnit.MILLISECONDS.toNanos(timeout));
            if (warmup > 0) {
                LoadGenerator.Result w =
                        new LoadGenerator(
                                        settings.withDurationNanos((long) (warmup * 1e9)), requests)
                                .run();
                out.printf(
                        Locale.ROOT,
                        "warm-up     %d sent, %d received in %.1f s (not counted below)%n",
                        w.sent(),
                        w.received(),
                        w.elapsedNanos() / 1e9);
            }
            ProcessCpu cpu = serverPid > 0 ? ProcessCpu.of(serverPid) : null;
            long cpuBefore = cpu != null ? cpu.nanos() : 0;
            LoadGenerator.Result result = new LoadGenerator(settings, requests).run();
            report(out, target, requests, settings, result);
            if (cpu != null) {
                long spent = cpu.nanos() - cpuBefore;
                out.printf(
                        Locale.ROOT,
                        "server cpu  %.2f us per answered request (%.3f s of CPU, pid %d, %d threads)%n",
                        result.received() == 0 ? 0 : spent / 1e3 / result.received(),
                        spent / 1e9,
                        serverPid,
                        cpu.threads());
            }
            return 0;
        } catch (Exception e) {
            err.println("ntsfarm bench: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
    }

    /** Prints one run's figures. */
    static void report(
            PrintStream out,
            InetSocketAddress target,
            RequestSource requests,
            LoadGenerator.Settings settings,
            LoadGenerator.Result r) {
        out.println(
                "target      "
                        + target.getHostString()
                        + ":"
                        + target.getPort()
                        + ", "
                        + requests.describe());
        out.println(
                "load        "
                        + (settings.rate() > 0
                                ? String.format(
                                        Locale.ROOT,
                                        "open loop at %.0f requests/s",
                                        settings.rate())
                                : "closed loop, window " + settings.window()));
        out.printf(
                Locale.ROOT,
                "sent        %d in %.3f s (%.0f/s)%n",
                r.sent(),
                r.elapsedNanos() / 1e9,
                r.sentPerSecond());
        out.printf(Locale.ROOT, "received    %d (%.0f/s)%n", r.received(), r.receivedPerSecond());
        out.printf(
                Locale.ROOT,
                "kisses      %d (NTS NAK %d, RATE %d)%n",
                r.kisses(),
                r.naks(),
                r.rateKisses());
        out.printf(Locale.ROOT, "loss        %.3f %%%n", r.lossPercent());
        LatencyHistogram h = r.latency();
        out.printf(
                Locale.ROOT,
                "latency us  p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n",
                h.percentileMicros(0.50),
                h.percentileMicros(0.90),
                h.percentileMicros(0.99),
                h.percentileMicros(0.999),
                h.maxMicros());
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + ": expected a value, got nothing");
        }
        return args[i];
    }

    private static long number(String[] args, int i, String option, long min, long max) {
        String v = value(args, i, option);
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                option
                        + ": expected a whole number from "
                        + min
                        + " to "
                        + max
                        + ", got \""
                        + v
                        + "\"");
    }

    private static double decimal(String[] args, int i, String option, double min, double max) {
        String v = value(args, i, option);
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                option + ": expected a number from " + min + " to " + max + ", got \"" + v + "\"");
    }
}
