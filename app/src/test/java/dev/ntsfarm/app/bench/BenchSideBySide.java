package dev.ntsfarm.app.bench;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.ntp.service.NtpOptions;
import dev.ntsfarm.ntp.service.NtpResponder;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark row of BENCHMARKS.md in one run: our responder (started here, on loopback) and a
 * chronyd started beforehand, each loaded with the same client settings, plain NTP then NTS.
 * Against chronyd NTS goes through a real NTS-KE; against ours, whose NTS-KE service is another
 * module, the session's 8 cookies are sealed here under the responder's key ring.
 *
 * <p>{@code java -cp ... dev.ntsfarm.app.bench.BenchSideBySide CHRONY_NTP_PORT CHRONY_NTSKE_PORT
 * CERT COUNT WINDOW [LOOPS]}
 */
public final class BenchSideBySide {

    private BenchSideBySide() {}

    public static void main(String[] args) throws Exception {
        int chronyPort = Integer.parseInt(args[0]);
        int chronyKePort = Integer.parseInt(args[1]);
        Path cert = Path.of(args[2]);
        long count = Long.parseLong(args[3]);
        int window = Integer.parseInt(args[4]);
        int loops =
                args.length > 5
                        ? Integer.parseInt(args[5])
                        : Runtime.getRuntime().availableProcessors();

        Config c =
                ((ConfigResult.Parsed)
                                Config.parse("bench.conf", "allow 127.0.0.1\nlocal stratum 1\n"))
                        .config();
        NtpOptions o =
                NtpOptions.fromConfig(c)
                        .withPort(0)
                        .withEventLoops(loops)
                        .withBindAddresses(List.of(InetAddress.ofLiteral("127.0.0.1")));
        Vertx vertx = Vertx.vertx();
        MasterKeyRing ring = BenchCommandTest.ring();
        NtpResponder ours =
                NtpResponder.create(vertx, o, new ServerStats(), KeyRingSource.of(ring), null);
        int port = ours.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        System.out.println("ours: " + ours);
        try {
            for (String mode : List.of("ntp", "nts")) {
                System.out.println("=== " + mode + " ours (127.0.0.1:" + port + ")");
                LoadGenerator.Settings s =
                        settings(new InetSocketAddress("127.0.0.1", port), count, window);
                RequestSource src =
                        mode.equals("ntp")
                                ? RequestSource.plain()
                                : RequestSource.nts(
                                        BenchCommandTest.session(
                                                ring, AeadAlgorithm.AES_SIV_CMAC_256, port));
                BenchCommand.report(
                        System.out, s.target(), src, s, new LoadGenerator(s, src).run());

                System.out.println("=== " + mode + " chronyd (127.0.0.1:" + chronyPort + ")");
                String[] a = {
                    "--mode",
                    mode,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "" + chronyPort,
                    "--ntsport",
                    "" + chronyKePort,
                    "--cacert",
                    cert.toString(),
                    "--count",
                    "" + count,
                    "--window",
                    "" + window,
                    "--duration",
                    "60"
                };
                BenchCommand.run(a, System.out, System.err);
            }
        } finally {
            ours.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    static LoadGenerator.Settings settings(InetSocketAddress target, long count, int window) {
        return new LoadGenerator.Settings(
                target,
                count,
                TimeUnit.SECONDS.toNanos(60),
                0,
                window,
                TimeUnit.SECONDS.toNanos(1),
                TimeUnit.SECONDS.toNanos(1));
    }
}
