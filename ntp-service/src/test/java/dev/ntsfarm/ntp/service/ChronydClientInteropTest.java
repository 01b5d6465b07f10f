package dev.ntsfarm.ntp.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.testsupport.Chronyd;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * chronyd 4.3 as a client of the responder: {@code chronyd -Q} with {@code server 127.0.0.1 port P
 * iburst maxsamples 1 [key N]} prints "System clock wrong by" when it accepted an answer.
 */
class ChronydClientInteropTest {

    @TempDir Path dir;
    Vertx vertx;
    NtpResponder responder;
    final ServerStats stats = new ServerStats();
    Chronyd chronyd;
    int port;

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startResponder() throws Exception {
        chronyd = Chronyd.in(dir);
        Path keys = dir.resolve("server.keys");
        Files.writeString(keys, NtpResponderTest.KEYS);
        Config config =
                ((ConfigResult.Parsed)
                                Config.parse(
                                        "test.conf",
                                        "allow 127.0.0.1\nlocal stratum 1\nkeyfile " + keys + "\n"))
                        .config();
        NtpOptions options =
                NtpOptions.fromConfig(config)
                        .withPort(0)
                        .withBindAddresses(List.of(InetAddress.ofLiteral("127.0.0.1")));
        vertx = Vertx.vertx();
        responder = NtpResponder.create(vertx, options, stats, null, null);
        port = await(responder.start());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (chronyd != null) {
            chronyd.close();
        }
        if (responder != null) {
            await(responder.stop());
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    /** Runs {@code chronyd -Q} against the responder and returns what it printed. */
    String measureOnce(String serverOptions, String clientKeys) throws Exception {
        List<String> conf =
                new ArrayList<>(
                        List.of(
                                "server 127.0.0.1 port "
                                        + port
                                        + " iburst maxsamples 1 "
                                        + serverOptions,
                                "cmdport 0",
                                "port 0"));
        if (clientKeys != null) {
            conf.add(
                    "keyfile " + Files.writeString(chronyd.dir.resolve("client.keys"), clientKeys));
        }
        return chronyd.measureOnce(10, conf.toArray(String[]::new));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void plainNtp() throws Exception {
        String out = measureOnce("", null);
        assertTrue(out.contains("System clock wrong by"), out);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void md5AsciiKey() throws Exception {
        String out = measureOnce("key 1", "1 MD5 ASCII:chronyd-shared-secret\n");
        assertTrue(out.contains("System clock wrong by"), out);
        assertTrue(stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS) > 0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sha1HexKey() throws Exception {
        String out = measureOnce("key 2", "2 SHA1 HEX:6B3F1A0C2D4E5F60718293A4B5C6D7E8F9011223\n");
        assertTrue(out.contains("System clock wrong by"), out);
        assertTrue(stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS) > 0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aes128Key() throws Exception {
        String out = measureOnce("key 3", "3 AES128 HEX:000102030405060708090A0B0C0D0E0F\n");
        assertTrue(out.contains("System clock wrong by"), out);
        assertTrue(stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS) > 0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void wrongKeyGetsNoTime() throws Exception {
        String out = measureOnce("key 1", "1 MD5 ASCII:some-other-secret\n");
        assertFalse(out.contains("System clock wrong by"), out);
        assertTrue(stats.get(ServerCounter.NTP_PACKETS_RECEIVED) > 0, "chronyd did ask");
        assertTrue(stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS) == 0);
    }
}
