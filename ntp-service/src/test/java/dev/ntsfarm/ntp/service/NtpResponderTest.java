package dev.ntsfarm.ntp.service;

import static dev.ntsfarm.ntp.service.NtpTestPackets.leap;
import static dev.ntsfarm.ntp.service.NtpTestPackets.origin;
import static dev.ntsfarm.ntp.service.NtpTestPackets.plain;
import static dev.ntsfarm.ntp.service.NtpTestPackets.refid;
import static dev.ntsfarm.ntp.service.NtpTestPackets.stratum;
import static dev.ntsfarm.ntp.service.NtpTestPackets.uniqueTransmit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.KeyFileResult;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.NtpMac;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.nts.NtsClientResponse;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class NtpResponderTest {

    static final String KEYS =
            """
            1 MD5 ASCII:chronyd-shared-secret
            2 SHA1 HEX:6B3F1A0C2D4E5F60718293A4B5C6D7E8F9011223
            3 AES128 HEX:000102030405060708090A0B0C0D0E0F
            """;

    @TempDir Path dir;
    Vertx vertx;
    NtpResponder responder;
    final ServerStats stats = new ServerStats();
    final MasterKeyRing ring = NtpTestPackets.ring(7);

    /** Starts a responder on an ephemeral loopback port with {@code lines} as its configuration. */
    int start(List<String> binds, KeyRingSource keys, String... lines) throws Exception {
        Path keyFile = dir.resolve("keys");
        Files.writeString(keyFile, KEYS);
        String text = String.join("\n", lines).replace("KEYFILE", keyFile.toString());
        Config config = ((ConfigResult.Parsed) Config.parse("test.conf", text)).config();
        NtpOptions options =
                NtpOptions.fromConfig(config)
                        .withPort(0)
                        .withEventLoops(2)
                        .withBindAddresses(binds.stream().map(InetAddress::ofLiteral).toList());
        vertx = Vertx.vertx();
        responder = NtpResponder.create(vertx, options, stats, keys, null);
        return await(responder.start());
    }

    int start(String... lines) throws Exception {
        return start(List.of("127.0.0.1"), () -> ring, lines);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
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

    static SymmetricKey key(long id) {
        KeyFile k = ((KeyFileResult.Parsed) KeyFile.parse("keys", KEYS)).keyFile();
        return k.get(id).orElseThrow();
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void startBindsEverySocketAndStopClosesThem(VertxTestContext ctx) throws Exception {
        int port = start("allow 127.0.0.1");
        ctx.verify(
                () -> {
                    assertTrue(port > 0);
                    assertEquals(port, responder.port());
                    assertTrue(responder.reusePort(), "one SO_REUSEPORT socket per thread");
                    assertEquals(2, responder.sockets());
                });
        responder
                .stop()
                .onComplete(
                        ctx.succeeding(
                                v ->
                                        ctx.verify(
                                                () -> {
                                                    responder = null;
                                                    ctx.completeNow();
                                                })));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void plainModeThreeGetsModeFourFromLocalStratum() throws Exception {
        int port = start("allow 127.0.0.1", "local stratum 3");
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            long t = uniqueTransmit();
            long before = SystemNtpClock.INSTANCE.nowNtp();
            byte[] r = c.exchange(plain(t), 5000);
            assertNotNull(r, "an answer");
            assertEquals(NtpHeader.LENGTH, r.length);
            assertEquals(0x24, r[0] & 0xFF, "leap 0, version 4, mode 4");
            assertEquals(3, stratum(r));
            assertEquals(SyncState.REFID_LOCAL, refid(r));
            assertEquals(t, origin(r), "origin = client transmit");
            long rx = NtpTimestamp.readBits(r, NtpHeader.OFFSET_RECEIVE_TIMESTAMP);
            long tx = NtpHeader.transmitTimestamp(r, 0);
            assertTrue(
                    Long.compareUnsigned(rx, before) >= 0 && Long.compareUnsigned(tx, rx) >= 0,
                    "rx <= tx");
            assertTrue(
                    Long.compareUnsigned(
                                    NtpTimestamp.readBits(r, NtpHeader.OFFSET_REFERENCE_TIMESTAMP),
                                    tx)
                            < 0);
            assertEquals(6, r[2], "poll echoed");
        }
        assertEquals(1, stats.get(ServerCounter.NTP_PACKETS_RECEIVED));
        assertEquals(0, stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void withoutLocalTheAnswerIsUnsynchronisedAsChronyds() throws Exception {
        int port = start("allow");
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            byte[] r = c.exchange(plain(uniqueTransmit()), 5000);
            assertNotNull(r);
            assertEquals(3, leap(r));
            assertEquals(0, stratum(r));
            assertEquals(0, refid(r));
            assertEquals(
                    0x0001_0000L,
                    NtpTestPackets.u32(r, NtpHeader.OFFSET_ROOT_DELAY),
                    "root delay 1 s");
            assertEquals(0x0001_0000L, NtpTestPackets.u32(r, NtpHeader.OFFSET_ROOT_DISPERSION));
        }
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void ntsRequestGetsAnAuthenticatedAnswerWithOnePlusPlaceholdersCookies() throws Exception {
        int port = start("allow 127.0.0.1", "local stratum 2");
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            for (AeadAlgorithm alg : AeadAlgorithm.values()) {
                for (int placeholders : new int[] {0, 3, 7}) {
                    SessionKeys keys = NtpTestPackets.sessionKeys(alg);
                    NtsClientRequest req = NtpTestPackets.nts(ring, keys, placeholders);
                    byte[] r = c.exchange(req.packet(), 5000);
                    assertNotNull(r, alg + " " + placeholders);
                    assertTrue(r.length <= req.packet().length, "never longer than the request");
                    NtsClientResponse.Result res =
                            NtsClientResponse.verify(r, 0, r.length, req, keys);
                    NtsClientResponse.Result.Verified v =
                            assertInstanceOf(
                                    NtsClientResponse.Result.Verified.class,
                                    res,
                                    alg + " " + placeholders);
                    assertEquals(1 + placeholders, v.cookies().size());
                    assertEquals(2, v.header().stratum());
                    // a fresh cookie opens again: it is a working cookie of this farm
                    NtsClientRequest again =
                            NtsClientRequest.builder()
                                    .cookie(v.cookies().getFirst())
                                    .keys(keys)
                                    .random(NtpTestPackets.NONCES)
                                    .transmitTimestamp(uniqueTransmit())
                                    .build();
                    byte[] r2 = c.exchange(again.packet(), 5000);
                    assertInstanceOf(
                            NtsClientResponse.Result.Verified.class,
                            NtsClientResponse.verify(r2, 0, r2.length, again, keys));
                }
            }
        }
        assertEquals(
                2L * 3 * AeadAlgorithm.values().length,
                stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void cookieOfAnotherFarmGetsANak() throws Exception {
        int port = start("allow 127.0.0.1", "local stratum 2");
        MasterKeyRing foreign = NtpTestPackets.ring(7);
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            SessionKeys keys = NtpTestPackets.sessionKeys(AeadAlgorithm.AES_SIV_CMAC_256);
            NtsClientRequest req = NtpTestPackets.nts(foreign, keys, 1);
            byte[] r = c.exchange(req.packet(), 5000);
            assertNotNull(r);
            assertEquals(0, stratum(r));
            assertEquals(KissCode.NTSN.referenceId(), refid(r));
            assertInstanceOf(
                    NtsClientResponse.Result.Nak.class,
                    NtsClientResponse.verify(r, 0, r.length, req, keys));
            assertTrue(r.length <= req.packet().length);
        }
        assertEquals(1, stats.get(ServerCounter.NTS_NAKS_SENT));
        assertEquals(0, stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void withoutFarmKeysNtsIsDroppedNotNaked() throws Exception {
        int port = start(List.of("127.0.0.1"), null, "allow 127.0.0.1");
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            SessionKeys keys = NtpTestPackets.sessionKeys(AeadAlgorithm.AES_SIV_CMAC_256);
            assertNull(c.exchange(NtpTestPackets.nts(ring, keys, 0).packet(), 500));
            assertNotNull(c.exchange(plain(uniqueTransmit()), 5000), "plain NTP still served");
        }
        assertEquals(0, stats.get(ServerCounter.NTS_NAKS_SENT));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void macSignedRequestsGetAnswersSignedWithTheSameKey() throws Exception {
        int port = start("allow 127.0.0.1", "local stratum 4", "keyfile KEYFILE");
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            for (long id : new long[] {1, 2, 3}) {
                SymmetricKey key = key(id);
                long t = uniqueTransmit();
                byte[] req = NtpTestPackets.signed(t, key);
                byte[] r = c.exchange(req, 5000);
                assertNotNull(r, key.toString());
                assertEquals(req.length, r.length);
                assertEquals(t, origin(r));
                assertEquals(id, NtpTestPackets.u32(r, NtpHeader.LENGTH), "same key id");
                int macLen = r.length - NtpHeader.LENGTH - MacAlgorithm.KEY_ID_LENGTH;
                assertTrue(
                        NtpMac.verify(key, r, 0, NtpHeader.LENGTH, r, NtpHeader.LENGTH + 4, macLen),
                        key.toString());
            }
        }
        assertEquals(3, stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void wrongOrUnknownKeyGetsNoAnswerAsWithChronyd() throws Exception {
        int port = start("allow 127.0.0.1", "local stratum 4", "keyfile KEYFILE");
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            SymmetricKey wrongSecret =
                    new SymmetricKey(
                            1,
                            MacAlgorithm.MD5,
                            "not-the-secret".getBytes(StandardCharsets.US_ASCII));
            SymmetricKey unknownId =
                    new SymmetricKey(
                            99,
                            MacAlgorithm.SHA1,
                            "whatever-secret".getBytes(StandardCharsets.US_ASCII));
            SymmetricKey wrongAlgorithm = new SymmetricKey(2, MacAlgorithm.MD5, key(1).keyBytes());
            c.send(NtpTestPackets.signed(uniqueTransmit(), wrongSecret));
            c.send(NtpTestPackets.signed(uniqueTransmit(), unknownId));
            c.send(NtpTestPackets.signed(uniqueTransmit(), wrongAlgorithm));
            // one client address and port lands on one socket, so the answers keep the order of the
            // requests
            long t = uniqueTransmit();
            byte[] r = c.exchange(plain(t), 5000);
            assertNotNull(r);
            assertEquals(t, origin(r), "the first answer is the one to the unsigned request");
            assertNull(c.receive(300));
        }
        assertEquals(0, stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS));
        assertEquals(3, stats.get(ServerCounter.NTP_PACKETS_DROPPED));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void denyIsHonouredAndBothFamiliesAreServedByDefault() throws Exception {
        int port = start(List.of(), () -> ring, "allow", "deny 127.0.0.1");
        try (UdpClient v4 = new UdpClient("127.0.0.1", port);
                UdpClient v6 = new UdpClient("::1", port)) {
            assertNull(v4.exchange(plain(uniqueTransmit()), 500), "127.0.0.1 is denied");
            long t = uniqueTransmit();
            byte[] r = v6.exchange(plain(t), 5000);
            assertNotNull(r, "::1 is allowed");
            assertEquals(t, origin(r));
        }
        assertEquals(1, stats.get(ServerCounter.NTP_PACKETS_DROPPED));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void ipv4IsServedThroughTheDualStackSocket() throws Exception {
        int port = start(List.of(), () -> ring, "allow 127.0.0.1");
        try (UdpClient v4 = new UdpClient("127.0.0.1", port);
                UdpClient v6 = new UdpClient("::1", port)) {
            long t = uniqueTransmit();
            byte[] r = v4.exchange(plain(t), 5000);
            assertNotNull(r);
            assertEquals(t, origin(r));
            assertNull(v6.exchange(plain(uniqueTransmit()), 500), "::1 is not allowed");
        }
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void noAllowMeansNoService() throws Exception {
        int port = start("local stratum 1");
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            assertNull(c.exchange(plain(uniqueTransmit()), 500));
        }
        assertEquals(1, stats.get(ServerCounter.NTP_PACKETS_DROPPED));
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void rateLimitingSendsRateKissesAndDropsAsConfigured() throws Exception {
        int port =
                start(
                        "allow 127.0.0.1",
                        "local stratum 2",
                        "ratelimit interval 10 burst 4 leak 4 kod 1");
        int sent = 60;
        int normal = 0;
        int kisses = 0;
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            for (int i = 0; i < sent; i++) {
                c.send(plain(uniqueTransmit()));
            }
            byte[] r;
            while ((r = c.receive(1000)) != null) {
                if (stratum(r) == 0) {
                    assertEquals(KissCode.RATE.referenceId(), refid(r));
                    assertEquals(3, leap(r));
                    kisses++;
                } else {
                    assertTrue(r[2] >= 10, "poll raised to the rate limit's interval");
                    normal++;
                }
            }
        }
        assertTrue(normal >= 4 && normal < sent / 2, "burst of 4 plus leaks: " + normal);
        assertTrue(kisses > 0, "RATE kisses: " + kisses);
        assertTrue(normal + kisses < sent, "some are dropped");
        assertEquals(kisses, stats.get(ServerCounter.KISS_RATE_SENT));
        assertEquals(sent - normal - kisses, stats.get(ServerCounter.NTP_PACKETS_DROPPED));
    }

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void tenThousandMalformedDatagramsLeaveTheResponderAnsweringAndNeverAmplifying()
            throws Exception {
        int port = start("allow 127.0.0.1", "local stratum 2", "keyfile KEYFILE");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261122);
        Map<Long, Integer> requestLength = new HashMap<>();
        long bytesAnswered = 0;
        long requestBytesOfAnswered = 0;
        int answers = 0;
        int total = 10_500;
        try (UdpClient c = new UdpClient("127.0.0.1", port)) {
            for (int i = 0; i < total; i++) {
                byte[] p = malformed(rnd, i);
                if (p.length >= NtpHeader.LENGTH) {
                    requestLength.merge(NtpHeader.transmitTimestamp(p, 0), p.length, Math::min);
                }
                c.send(p);
                if (i % 50 == 49) {
                    byte[] r;
                    while ((r = c.receive(20)) != null) {
                        Integer len = requestLength.get(origin(r));
                        assertNotNull(len, "an answer echoes a request's transmit timestamp");
                        assertTrue(
                                r.length <= len,
                                "answer of " + r.length + " to a request of " + len);
                        bytesAnswered += r.length;
                        requestBytesOfAnswered += len;
                        answers++;
                    }
                }
            }
            assertTrue(bytesAnswered <= requestBytesOfAnswered);
            // still answering valid requests, every kind
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long t = uniqueTransmit();
            byte[] r = null;
            while (r == null && System.nanoTime() < deadline) {
                r = c.exchange(plain(t), 500);
                if (r != null && origin(r) != t) {
                    r = null; // a late answer to the flood
                }
            }
            assertNotNull(r, "a valid request is answered after the flood");
            SessionKeys keys = NtpTestPackets.sessionKeys(AeadAlgorithm.AES_SIV_CMAC_256);
            NtsClientRequest req = NtpTestPackets.nts(ring, keys, 2);
            byte[] nr = c.exchange(req.packet(), 5000);
            while (nr != null && origin(nr) != req.transmitTimestamp()) {
                nr = c.receive(5000);
            }
            assertNotNull(nr);
            assertInstanceOf(
                    NtsClientResponse.Result.Verified.class,
                    NtsClientResponse.verify(nr, 0, nr.length, req, keys));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stats.get(ServerCounter.NTP_PACKETS_RECEIVED) < total
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(
                stats.get(ServerCounter.NTP_PACKETS_RECEIVED) >= total,
                "received " + stats.get(ServerCounter.NTP_PACKETS_RECEIVED));
        assertNotEquals(0, answers, "corrupted but well-formed plain requests are still answered");
    }

    /** Garbage, truncated valid requests and corrupted valid requests, in turn. */
    private byte[] malformed(java.util.SplittableRandom rnd, int i) {
        byte[] valid =
                switch (i % 4) {
                    case 0 -> plain(uniqueTransmit());
                    case 1 -> NtpTestPackets.signed(uniqueTransmit(), key(1 + rnd.nextInt(3)));
                    default ->
                            NtpTestPackets.nts(
                                            ring,
                                            NtpTestPackets.sessionKeys(
                                                    AeadAlgorithm.values()[
                                                            rnd.nextInt(
                                                                    AeadAlgorithm.values()
                                                                            .length)]),
                                            rnd.nextInt(8))
                                    .packet();
                };
        return switch (i % 3) {
            case 0 -> {
                byte[] g = new byte[rnd.nextInt(1200)];
                rnd.nextBytes(g);
                yield g;
            }
            case 1 -> java.util.Arrays.copyOf(valid, rnd.nextInt(valid.length));
            default -> {
                byte[] p = valid.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    // never the transmit timestamp, so an answer can be matched to its request
                    int at;
                    do {
                        at = rnd.nextInt(p.length);
                    } while (at >= NtpHeader.OFFSET_TRANSMIT_TIMESTAMP && at < NtpHeader.LENGTH);
                    p[at] ^= (byte) (1 + rnd.nextInt(255));
                }
                yield p;
            }
        };
    }
}
