package dev.ntsfarm.control.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ntsfarm.control.CommandAuthenticator;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import io.vertx.grpc.common.GrpcStatus;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The command key's authenticator as the gate checks it, without a network: the HMAC compared over
 * its whole length, freshness both ways, the replay table (by the nonce's bytes, forgetting only
 * what freshness refuses anyway, bounded). The whole path over gRPC is app's
 * ControlSecurityInteropTest.
 */
class CommandGateTest {

    private static final String METHOD = "ntsfarm.control.v1.ClockAgent/MakeStep";
    private static final byte[] REQUEST = {8, 1};
    private final SymmetricKey key =
            SymmetricKey.generate(1, MacAlgorithm.SHA1, new SecureRandom());
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final List<String> log = new java.util.ArrayList<>();
    private final CommandGate gate =
            new CommandGate(List.of(), () -> key, refused -> {}, log::add, now::get);

    private Map<String, String> headers(SymmetricKey k, long millis) {
        return new HashMap<>(
                CommandAuthenticator.headers(k, true, METHOD, REQUEST, millis, new SecureRandom()));
    }

    private CallGate.Verdict check(Map<String, String> h) {
        return gate.authenticate(METHOD, h::get, "127.0.0.1:1", REQUEST);
    }

    private static String refusal(CallGate.Verdict v) {
        return assertInstanceOf(CallGate.Verdict.Refused.class, v).message();
    }

    @Test
    void aFreshAuthenticatorOfTheCommandKeyIsAdmittedOnce() {
        Map<String, String> h = headers(key, now.get());
        assertInstanceOf(CallGate.Verdict.Admitted.class, check(h));
        assertEquals(
                "bad authenticator: replayed: this authenticator was used before",
                refusal(check(h)));
    }

    @Test
    void theNonceIsRememberedByItsBytesNotItsSpelling() {
        Map<String, String> h = headers(key, now.get());
        assertInstanceOf(CallGate.Verdict.Admitted.class, check(h));
        h.put(
                CommandAuthenticator.HEADER_NONCE,
                h.get(CommandAuthenticator.HEADER_NONCE).toUpperCase(Locale.ROOT));
        assertEquals(
                "bad authenticator: replayed: this authenticator was used before",
                refusal(check(h)));
    }

    @Test
    void everyChangedByteOfTheMacOrOfWhatItCoversIsRefused() {
        Map<String, String> good = headers(key, now.get());
        byte[] mac = HexFormat.of().parseHex(good.get(CommandAuthenticator.HEADER_MAC));
        Random random = new Random(6);
        for (int i = 0; i < mac.length; i++) {
            byte[] bad = mac.clone();
            bad[i] ^= (byte) (1 << random.nextInt(8));
            Map<String, String> h = new HashMap<>(good);
            h.put(CommandAuthenticator.HEADER_MAC, HexFormat.of().formatHex(bad));
            assertEquals(
                    "bad authenticator: it was not made with the command key (wrong key or password?)",
                    refusal(check(h)),
                    "byte " + i);
        }
        Map<String, String> cut = new HashMap<>(good);
        cut.put(
                CommandAuthenticator.HEADER_MAC,
                good.get(CommandAuthenticator.HEADER_MAC).substring(0, 38));
        refusal(check(cut));
        // the same headers for another method or another request
        refusal(
                gate.authenticate(
                        "ntsfarm.control.v1.ClockAgent/DeleteSource", good::get, "p", REQUEST));
        refusal(gate.authenticate(METHOD, good::get, "p", new byte[] {8, 2}));
        Map<String, String> otherKey =
                headers(SymmetricKey.generate(1, MacAlgorithm.SHA1, new SecureRandom()), now.get());
        assertEquals(
                "bad authenticator: it was not made with the command key (wrong key or password?)",
                refusal(check(otherKey)));
        // none of these spent the nonce: the genuine call still goes through
        assertInstanceOf(CallGate.Verdict.Admitted.class, check(good));
    }

    @Test
    void freshnessIsSixtySecondsEitherWay() {
        assertInstanceOf(
                CallGate.Verdict.Admitted.class,
                check(headers(key, now.get() - CommandGate.MAX_SKEW_MILLIS)));
        assertInstanceOf(
                CallGate.Verdict.Admitted.class,
                check(headers(key, now.get() + CommandGate.MAX_SKEW_MILLIS)));
        assertEquals(
                "bad authenticator: its time is 60 s from the server's clock, more than 60 s",
                refusal(check(headers(key, now.get() - CommandGate.MAX_SKEW_MILLIS - 1))));
        refusal(check(headers(key, now.get() + CommandGate.MAX_SKEW_MILLIS + 1)));
    }

    @Test
    void aNonceIsForgottenOnlyOnceFreshnessRefusesItAnyway() {
        Map<String, String> h = headers(key, now.get());
        assertInstanceOf(CallGate.Verdict.Admitted.class, check(h));
        now.addAndGet(CommandGate.MAX_SKEW_MILLIS);
        assertEquals(
                "bad authenticator: replayed: this authenticator was used before",
                refusal(check(h)));
        now.addAndGet(1);
        assertEquals(
                "bad authenticator: its time is 60 s from the server's clock, more than 60 s",
                refusal(check(h)));
    }

    @Test
    void missingOrMalformedHeadersSayWhat() {
        assertEquals(
                GrpcStatus.UNAUTHENTICATED,
                assertInstanceOf(CallGate.Verdict.Refused.class, check(Map.of())).status());
        assertEquals(
                "authentication required: MakeStep is an operational command; run ntsctl -a (it reads the command"
                        + " key from the key file of the configuration, -f FILE) or authhash and password first",
                refusal(check(Map.of())));
        Map<String, String> h = headers(key, now.get());
        h.put(CommandAuthenticator.HEADER_KEY, "2");
        assertEquals("bad authenticator: key 2 is not the command key", refusal(check(h)));
        h = headers(key, now.get());
        h.put(CommandAuthenticator.HEADER_NONCE, "00ff");
        assertEquals("bad authenticator: the nonce must be 16 bytes", refusal(check(h)));
        h = headers(key, now.get());
        h.put(CommandAuthenticator.HEADER_TIME, "yesterday");
        assertEquals("bad authenticator: malformed authenticator headers", refusal(check(h)));
    }

    @Test
    void theReplayTableIsBounded() {
        for (int i = 0; i < CommandGate.MAX_NONCES; i++) {
            assertInstanceOf(CallGate.Verdict.Admitted.class, check(headers(key, now.get())));
        }
        var full = assertInstanceOf(CallGate.Verdict.Refused.class, check(headers(key, now.get())));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, full.status());
        now.addAndGet(CommandGate.MAX_SKEW_MILLIS + 1);
        assertInstanceOf(
                CallGate.Verdict.Admitted.class,
                check(headers(key, now.get())),
                "old nonces expire");
    }
}
