package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeErrorCode;
import dev.ntsfarm.core.ke.KeFrame;
import dev.ntsfarm.core.ke.KeMessage;
import dev.ntsfarm.core.ke.KeRecord;
import dev.ntsfarm.core.ke.KeRecordFramer;
import dev.ntsfarm.core.ke.KeResponseParser;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.testsupport.TestCertificate;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 120 broken sessions (garbage, unknown critical records, oversize requests, requests never
 * finished), several at once: each one ends with an Error record or a close, and the server still
 * answers a valid request afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class NtsKeMalformedSessionsTest {

    private static final int PER_KIND = 30;

    @TempDir Path dir;

    enum Kind {
        GARBAGE,
        UNKNOWN_CRITICAL,
        OVERSIZE,
        NEVER_FINISHED
    }

    @Test
    void everyBrokenSessionEndsAndTheServerGoesOn(Vertx vertx) throws Exception {
        TestCertificate certs = TestCertificate.create(dir, "nts-ke");
        ServerStats stats = new ServerStats();
        NtsKeServer server =
                new NtsKeServer(
                        vertx,
                        NtsKeOptions.defaults()
                                .withPort(0)
                                .withInstances(2)
                                .withSessionTimeout(Duration.ofMillis(1500))
                                .withMaxConnections(1000)
                                .withKeyCertPairs(
                                        List.of(
                                                new NtsKeOptions.KeyCertPair(
                                                        certs.key(), certs.cert()))),
                        KeyRingSource.of(NtsKeServerTest.RING),
                        stats);
        int port = server.start().await().getFirst();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> sessions = new ArrayList<>();
            Random random = new Random(8915);
            for (int i = 0; i < PER_KIND; i++) {
                for (Kind kind : Kind.values()) {
                    long seed = random.nextLong();
                    sessions.add(pool.submit(() -> session(kind, seed, port, certs)));
                }
            }
            for (Future<String> f : sessions) {
                String problem = f.get(60, TimeUnit.SECONDS);
                assertEquals("", problem);
            }
            assertTrue(stats.get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED) >= 4 * PER_KIND);

            try (KeTestClient client = KeTestClient.connect(port, certs)) {
                var a =
                        assertInstanceOf(
                                KeResponseResult.Accepted.class,
                                client.exchange(
                                        KeClientRequest.builder()
                                                .aeads(AeadAlgorithm.AES_SIV_CMAC_256)
                                                .build()));
                assertEquals(8, a.cookies().size());
            }
            NtsKeServerTest.pollUntil(() -> server.openSessions() == 0);
        } finally {
            pool.shutdownNow();
            server.stop().await();
        }
    }

    /** One broken session; returns "" when it ended as it should, else what went wrong. */
    private static String session(Kind kind, long seed, int port, TestCertificate certs)
            throws Exception {
        Random random = new Random(seed);
        try (KeTestClient client = KeTestClient.connect(port, certs)) {
            byte[] request =
                    switch (kind) {
                        case GARBAGE -> {
                            byte[] b = new byte[1 + random.nextInt(2000)];
                            random.nextBytes(b);
                            yield b;
                        }
                        case UNKNOWN_CRITICAL ->
                                KeMessage.encode(
                                        List.of(
                                                KeRecord.nextProtocolNegotiation(List.of(0)),
                                                new KeRecord(
                                                        true,
                                                        1000 + random.nextInt(20000),
                                                        new byte[random.nextInt(40)]),
                                                KeRecord.aeadAlgorithmNegotiation(List.of(15)),
                                                KeRecord.endOfMessage()));
                        case OVERSIZE -> {
                            // unknown non-critical records that never end: more than 16 KiB without
                            // End of Message
                            byte[] b = new byte[20000];
                            for (int off = 0; off + 1004 <= b.length; off += 1004) {
                                b[off] = 0x10;
                                b[off + 2] = 0x03;
                                b[off + 3] = (byte) 0xe8;
                            }
                            yield b;
                        }
                        case NEVER_FINISHED -> new byte[] {(byte) 0x80, 1, 0, 2, 0};
                    };
            long start = System.nanoTime();
            try {
                client.send(request);
            } catch (IOException e) {
                // the server may close before an oversize request is all written
            }
            byte[] answer = client.readToEnd();
            if (answer == null) {
                return kind + ": still open after 5 s";
            }
            if (answer.length == 0) {
                return kind == Kind.GARBAGE || kind == Kind.NEVER_FINISHED
                        ? ""
                        : kind + ": closed without an Error record";
            }
            KeFrame f = KeRecordFramer.frame(answer, 0, answer.length, 65536);
            if (!(f instanceof KeFrame.Complete c)) {
                return kind + ": answer does not frame";
            }
            KeResponseResult r =
                    KeResponseParser.parse(c.records(), List.of(AeadAlgorithm.AES_SIV_CMAC_256));
            int expected =
                    kind == Kind.UNKNOWN_CRITICAL
                            ? KeErrorCode.UNRECOGNIZED_CRITICAL_RECORD.code()
                            : KeErrorCode.BAD_REQUEST.code();
            if (!(r instanceof KeResponseResult.ServerError e)
                    || (kind != Kind.GARBAGE && e.code() != expected)) {
                return kind + ": answered " + r;
            }
            assertNotNull(e);
            if (kind == Kind.NEVER_FINISHED) {
                return kind + ": answered before the request was complete";
            }
            return System.nanoTime() - start > TimeUnit.SECONDS.toNanos(5)
                    ? kind + ": too slow"
                    : "";
        }
    }
}
