package dev.ntsfarm.core.nts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.ServerDecision.Authentication;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NtsResponderCorruptionTest {

    @Test
    void tenThousandCorruptedRequestsAreDroppedOrNakedNeverAnsweredWithNts() {
        Random rnd = new Random(20261122);
        InsecureNtsFixture[] fixtures = new InsecureNtsFixture[AeadAlgorithm.values().length];
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            fixtures[alg.ordinal()] = new InsecureNtsFixture(alg, 11 + alg.ordinal());
        }
        int dropped = 0;
        int naked = 0;
        for (int i = 0; i < 10_000; i++) {
            InsecureNtsFixture f = fixtures[i % fixtures.length];
            byte[] original = f.request(rnd.nextInt(NtsFieldType.MAX_PLACEHOLDERS + 1)).packet();
            byte[] req = original.clone();
            int len = req.length;
            if (rnd.nextInt(4) == 0) {
                len =
                        NtpHeader.LENGTH
                                + 1
                                + rnd.nextInt(req.length - NtpHeader.LENGTH - 1); // truncate
            } else {
                int flips = 1 + rnd.nextInt(3);
                for (int k = 0; k < flips; k++) {
                    req[rnd.nextInt(req.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                if (Arrays.equals(req, original)) {
                    req[0] ^= 0x40; // two flips cancelled: flip the leap bits instead
                }
            }
            byte[] out = new byte[req.length];
            ServerDecision d;
            try {
                d = f.handle(req, len, out);
            } catch (RuntimeException e) {
                throw new AssertionError("threw on iteration " + i, e);
            }
            switch (d) {
                case ServerDecision.Drop drop -> dropped++;
                case ServerDecision.Nak nak -> {
                    naked++;
                    assertTrue(nak.length() <= len);
                }
                case ServerDecision.Respond r ->
                        fail(
                                "answered a corrupted request on iteration "
                                        + i
                                        + ": "
                                        + r
                                        + (r.authentication() == Authentication.NTS
                                                ? " with NTS"
                                                : ""));
            }
        }
        assertEquals(10_000, dropped + naked);
        // flips in the cookie or the authenticated bytes NAK (RFC 8915 section 5.7); malformed
        // framing drops
        assertTrue(naked > 0 && dropped > 0, "dropped " + dropped + ", naked " + naked);
    }

    @Property(tries = 300)
    void noReplyIsLongerThanItsRequest(
            @ForAll @IntRange(max = 9) int placeholders,
            @ForAll @IntRange(max = 3) int algorithm,
            @ForAll @IntRange(max = 3) int corruption,
            @ForAll @IntRange(min = 0, max = 10_000) int where,
            @ForAll boolean foreignCookie,
            @ForAll @IntRange(max = 64) int extraUnknown) {
        AeadAlgorithm alg = AeadAlgorithm.values()[algorithm];
        InsecureNtsFixture f = new InsecureNtsFixture(alg, 41);
        InsecureNtsFixture cookieSource = foreignCookie ? new InsecureNtsFixture(alg, 42) : f;
        int cl =
                dev.ntsfarm.core.ntp.Bytes.padded4(
                        dev.ntsfarm.core.cookie.CookieCodec.cookieLength(alg));
        var packet = f.packet();
        if (extraUnknown > 0) {
            packet.field(0x2005, new byte[extraUnknown]);
        }
        byte[] req =
                packet.uid()
                        .field(NtsFieldType.NTS_COOKIE, cookieSource.cookie())
                        .placeholders(placeholders, cl)
                        .auth()
                        .bytes();
        int len = req.length;
        switch (corruption) {
            case 1 -> req[where % req.length] ^= 0x5a;
            case 2 -> len = NtpHeader.LENGTH + where % (req.length - NtpHeader.LENGTH);
            default -> {}
        }
        byte[] out = new byte[req.length];
        ServerDecision d = f.handle(req, len, out);
        int replyLength =
                switch (d) {
                    case ServerDecision.Respond r -> r.length();
                    case ServerDecision.Nak n -> n.length();
                    case ServerDecision.Drop ignored -> 0;
                };
        assertTrue(replyLength <= len, d + " for a request of " + len);
        if (d instanceof ServerDecision.Respond r && r.authentication() == Authentication.NTS) {
            assertTrue(
                    !foreignCookie
                            && (corruption == 0 || corruption == 3)
                            && placeholders <= NtsFieldType.MAX_PLACEHOLDERS);
        }
    }
}
