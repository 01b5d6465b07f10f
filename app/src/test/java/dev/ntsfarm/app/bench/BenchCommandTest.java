package dev.ntsfarm.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.ntp.service.NtpOptions;
import dev.ntsfarm.ntp.service.NtpResponder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchCommandTest {

    Vertx vertx;
    NtpResponder responder;
    final ServerStats stats = new ServerStats();
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** Our responder on an ephemeral loopback port, serving the cookies of {@code ring}. */
    int startResponder(MasterKeyRing ring) throws Exception {
        Config c =
                ((ConfigResult.Parsed)
                                Config.parse("bench.conf", "allow 127.0.0.1\nlocal stratum 1\n"))
                        .config();
        NtpOptions o =
                NtpOptions.fromConfig(c)
                        .withPort(0)
                        .withBindAddresses(List.of(InetAddress.ofLiteral("127.0.0.1")));
        vertx = Vertx.vertx();
        responder = NtpResponder.create(vertx, o, stats, KeyRingSource.of(ring), null);
        return await(responder.start());
    }

    /** Runs {@code ntsfarm bench ARGS}, which must exit 0; returns what it printed. */
    String benchOk(String... args) {
        int code = BenchCommand.run(args, out, err);
        assertEquals(0, code, errBytes.toString(StandardCharsets.UTF_8));
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() throws Exception {
        if (responder != null) {
            await(responder.stop());
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    static MasterKeyRing ring() {
        SecureRandom r = new SecureRandom();
        byte[] secret = new byte[32];
        byte[] seed = new byte[32];
        r.nextBytes(secret);
        r.nextBytes(seed);
        return MasterKeyRing.of(FarmSecret.of(secret), 1, Map.of(1L, seed));
    }

    /**
     * What an NTS-KE with our farm would hand out: keys and 8 cookies sealed under {@code ring}.
     */
    static NtsSession session(MasterKeyRing ring, AeadAlgorithm alg, int port) {
        SecureRandom r = new SecureRandom();
        byte[] c2s = new byte[alg.keyLength()];
        byte[] s2c = new byte[alg.keyLength()];
        r.nextBytes(c2s);
        r.nextBytes(s2c);
        CookieCodec codec = new CookieCodec(ring, NonceSource.of(r));
        List<byte[]> cookies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] cookie = new byte[CookieCodec.cookieLength(alg)];
            codec.seal(SessionKeys.of(alg, c2s, s2c), cookie, 0);
            cookies.add(cookie);
        }
        return new NtsSession(alg, c2s, s2c, cookies, "127.0.0.1", port);
    }

    @Test
    void helpPrintsUsage() {
        assertEquals(0, BenchCommand.run(new String[] {"--help"}, out, err));
        assertTrue(outBytes.toString(StandardCharsets.UTF_8).startsWith("usage: ntsfarm bench"));
    }

    @Test
    void badArgumentsSayWhatWasExpected() {
        assertEquals(
                BenchCommand.EXIT_USAGE,
                BenchCommand.run(new String[] {"--mode", "sntp"}, out, err));
        assertTrue(
                errBytes.toString(StandardCharsets.UTF_8).contains("--mode: expected ntp or nts"));
        // NTS-KE trusts only what it is told to: no certificate accepted blindly
        assertEquals(
                BenchCommand.EXIT_USAGE,
                BenchCommand.run(new String[] {"--mode", "nts"}, out, err));
        assertTrue(
                errBytes.toString(StandardCharsets.UTF_8)
                        .contains("--mode nts needs --cacert FILE"));
        assertEquals(
                BenchCommand.EXIT_USAGE,
                BenchCommand.run(new String[] {"--duration", "600"}, out, err));
        assertTrue(
                errBytes.toString(StandardCharsets.UTF_8)
                        .contains("--duration: expected a number from 0.001 to 60.0"));
        assertEquals(BenchCommand.EXIT_USAGE, BenchCommand.run(new String[] {"--count"}, out, err));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void plainNtpClosedLoopAgainstOurResponder() throws Exception {
        int port = startResponder(ring());
        String text =
                benchOk(
                        "--mode",
                        "ntp",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "" + port,
                        "--count",
                        "3000",
                        "--window",
                        "8",
                        "--duration",
                        "20");
        assertTrue(text.contains("sent        3000 "), text);
        assertTrue(text.contains("latency us  p50 "), text);
        assertTrue(stats.get(ServerCounter.NTP_PACKETS_RECEIVED) >= 2970, text);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWarmUpSendsTheSameLoadFirstAndIsLeftOutOfTheFigures() throws Exception {
        int port = startResponder(ring());
        String text =
                benchOk(
                        "--mode",
                        "ntp",
                        "--port",
                        "" + port,
                        "--rate",
                        "2000",
                        "--count",
                        "1000",
                        "--warmup",
                        "0.5");
        java.util.regex.Matcher w =
                java.util.regex.Pattern.compile("warm-up     (\\d+) sent, (\\d+) received")
                        .matcher(text);
        assertTrue(w.find(), text);
        long warmed = Long.parseLong(w.group(1));
        // 0.5 s at 2000/s: about a thousand, whatever the pacing
        assertTrue(warmed >= 500 && warmed <= 1000, text);
        assertTrue(Long.parseLong(w.group(2)) >= warmed * 99 / 100, text);
        assertTrue(text.contains("sent        1000 "), "the measured run alone: " + text);
        // the server saw both
        assertTrue(stats.get(ServerCounter.NTP_PACKETS_RECEIVED) >= 990 + warmed * 99 / 100, text);
        assertEquals(
                BenchCommand.EXIT_USAGE,
                BenchCommand.run(new String[] {"--warmup", "61"}, out, err),
                "a warm-up longer than the cap");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void fixedRateRunReportsTheServersCpuPerAnsweredRequest() throws Exception {
        // the responder runs in this JVM: its threads are this process's
        int port = startResponder(ring());
        String text =
                benchOk(
                        "--mode",
                        "ntp",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "" + port,
                        "--rate",
                        "2000",
                        "--count",
                        "2000",
                        "--duration",
                        "20",
                        "--server-pid",
                        "" + ProcessHandle.current().pid());
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(
                                "server cpu  ([0-9.]+) us per answered request \\(([0-9.]+) s of CPU")
                        .matcher(text);
        assertTrue(m.find(), text);
        assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, text);
        assertEquals(
                BenchCommand.EXIT_FAILURE,
                BenchCommand.run(
                        new String[] {
                            "--port", "" + port, "--count", "1", "--server-pid", "999999999"
                        },
                        out,
                        err),
                "no such process");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ntsOpenLoopWithReusedCookiesIsAnsweredAuthenticated() throws Exception {
        MasterKeyRing ring = ring();
        int port = startResponder(ring);
        LoadGenerator.Settings settings =
                new LoadGenerator.Settings(
                        new InetSocketAddress("127.0.0.1", port),
                        2000,
                        TimeUnit.SECONDS.toNanos(20),
                        2000,
                        0,
                        TimeUnit.SECONDS.toNanos(1),
                        TimeUnit.SECONDS.toNanos(1));
        LoadGenerator.Result r =
                new LoadGenerator(
                                settings,
                                RequestSource.nts(
                                        session(ring, AeadAlgorithm.AES_SIV_CMAC_256, port)))
                        .run();
        assertEquals(2000, r.sent());
        assertEquals(0, r.naks());
        assertTrue(r.received() >= 1980, "received " + r.received());
        assertEquals(r.received(), stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void cookiesOfAnotherFarmAreCountedAsNaks() throws Exception {
        int port = startResponder(ring());
        LoadGenerator.Settings settings =
                new LoadGenerator.Settings(
                        new InetSocketAddress("127.0.0.1", port),
                        100,
                        TimeUnit.SECONDS.toNanos(20),
                        0,
                        4,
                        TimeUnit.SECONDS.toNanos(1),
                        TimeUnit.SECONDS.toNanos(1));
        LoadGenerator.Result r =
                new LoadGenerator(
                                settings,
                                RequestSource.nts(
                                        session(ring(), AeadAlgorithm.AES_128_GCM_SIV, port)))
                        .run();
        assertEquals(0, r.received());
        assertTrue(r.naks() >= 95, "naks " + r.naks());
    }
}
