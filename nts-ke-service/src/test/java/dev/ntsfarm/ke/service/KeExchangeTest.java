package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.RateLimit;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeFrame;
import dev.ntsfarm.core.ke.KeRecordFramer;
import dev.ntsfarm.core.ke.KeResponseParser;
import dev.ntsfarm.core.ke.KeResponseResult;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The socket-free session logic and the rate limiter. */
class KeExchangeTest {

    private static final KeExchange.KeServerPolicy POLICY =
            new KeExchange.KeServerPolicy(
                    List.of(AeadAlgorithm.AES_SIV_CMAC_256), Optional.empty(), OptionalInt.empty());
    private static final KeExchange.Exporter FIXED = (label, context, length) -> new byte[length];
    private final CookieCodec codec =
            new CookieCodec(NtsKeServerTest.RING, NonceSource.of(new SecureRandom()));

    private static KeResponseResult parse(KeExchange.Step.Answer a) {
        KeFrame f = KeRecordFramer.frame(a.response(), 0, a.response().length, 65536);
        return KeResponseParser.parse(
                ((KeFrame.Complete) f).records(), List.of(AeadAlgorithm.AES_SIV_CMAC_256));
    }

    @Test
    void aRequestArrivingByteByByteIsAnsweredOnceComplete() {
        byte[] request = KeClientRequest.builder().build().encode();
        KeExchange ex = new KeExchange(POLICY, 16384);
        for (int i = 0; i < request.length - 1; i++) {
            assertSame(KeExchange.NEED_MORE, ex.offer(request, i, 1, FIXED, codec));
        }
        var answer =
                assertInstanceOf(
                        KeExchange.Step.Answer.class,
                        ex.offer(request, request.length - 1, 1, FIXED, codec));
        assertEquals(KeExchange.Outcome.COOKIES, answer.outcome());
        assertEquals(
                8,
                assertInstanceOf(KeResponseResult.Accepted.class, parse(answer)).cookies().size());
        assertSame(
                KeExchange.NEED_MORE,
                ex.offer(request, 0, request.length, FIXED, codec),
                "one answer per session");
    }

    @Test
    void aFailingExporterIsAnInternalError() {
        byte[] request = KeClientRequest.builder().build().encode();
        KeExchange.Exporter broken =
                (label, context, length) -> {
                    throw new javax.net.ssl.SSLKeyException("no exporter");
                };
        var answer =
                assertInstanceOf(
                        KeExchange.Step.Answer.class,
                        new KeExchange(POLICY, 16384)
                                .offer(request, 0, request.length, broken, codec));
        assertEquals(KeExchange.Outcome.ERROR, answer.outcome());
        assertEquals(2, assertInstanceOf(KeResponseResult.ServerError.class, parse(answer)).code());
    }

    @Test
    void moreThanTheLimitIsABadRequest() {
        byte[] chunk = new byte[4096];
        for (int off = 0; off + 1004 <= chunk.length; off += 1004) {
            chunk[off] = 0x10; // non-critical unknown records of 1000 bytes, never End of Message
            chunk[off + 2] = 0x03;
            chunk[off + 3] = (byte) 0xe8;
        }
        KeExchange ex = new KeExchange(POLICY, 2048);
        var answer =
                assertInstanceOf(
                        KeExchange.Step.Answer.class,
                        ex.offer(chunk, 0, chunk.length, FIXED, codec));
        assertEquals(1, assertInstanceOf(KeResponseResult.ServerError.class, parse(answer)).code());
    }

    @Test
    void rateLimitRefillsAtOneTokenPerInterval() throws Exception {
        KeRateLimiter limiter =
                new KeRateLimiter(new RateLimit(1, 2, 4)); // a token every 2 s, burst 2
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("2001:db8::1");
        long t = 1_000_000_000L;
        assertTrue(limiter.allow(a, t));
        assertTrue(limiter.allow(a, t));
        assertFalse(limiter.allow(a, t));
        assertTrue(limiter.allow(b, t), "another address has its own bucket");
        assertFalse(limiter.allow(a, t + 1_000_000_000L), "half a token");
        assertTrue(limiter.allow(a, t + 2_100_000_000L), "a whole token after 2 s");
        int leaked = 0;
        for (int i = 0; i < 32; i++) {
            leaked += limiter.allow(a, t + 2_100_000_000L) ? 1 : 0;
        }
        assertEquals(2, leaked, "one in 2^4 limited attempts goes through");
    }
}
