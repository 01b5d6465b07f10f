package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;
import java.util.Random;

class CookieOpeningFuzzTest {

    private static final long SLOT = 1000;
    private static final CookieCodec CODEC = insecureCodec();

    /** Dangerous on purpose: fixed keys, for this fuzz target only. */
    private static CookieCodec insecureCodec() {
        Random r = new Random(99);
        byte[] secret = new byte[32];
        r.nextBytes(secret);
        byte[][] seeds = new byte[3][32];
        for (byte[] s : seeds) {
            r.nextBytes(s);
        }
        return new CookieCodec(
                MasterKeyRing.of(
                        FarmSecret.of(secret),
                        SLOT,
                        Map.of(SLOT - 1, seeds[0], SLOT, seeds[1], SLOT + 1, seeds[2])),
                (b, o, l) -> {
                    throw new AssertionError("opening a cookie never draws a nonce");
                });
    }

    /**
     * No byte string the fuzzer makes up opens as a cookie: only our own sealing key can make one,
     * and opening never throws, whatever the length or key id.
     */
    @FuzzTest(maxDuration = "20s")
    void forgedCookiesNeverOpen(byte[] input) {
        SessionKeys into = new SessionKeys();
        assertFalse(CODEC.open(input, 0, input.length, into));
        if (input.length >= CookieCodec.KEY_ID_LENGTH) {
            // the fuzzer's bytes under a key id the ring holds
            byte[] withSlot = input.clone();
            withSlot[0] = 0;
            withSlot[1] = 0;
            withSlot[2] = (byte) (SLOT >>> 8);
            withSlot[3] = (byte) SLOT;
            assertFalse(CODEC.open(withSlot, 0, withSlot.length, into));
        }
    }
}
