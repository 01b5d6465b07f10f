package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CookieKeyDerivationTest {

    /** RFC 5869 A.1 checks our HKDF steps; the label and slot then make the info. */
    @Test
    void matchesHkdfSha256OfRfc5869WithOurInfo() throws Exception {
        byte[] secret = TestKeys.insecureBytes(1, 32);
        byte[] seed = TestKeys.insecureBytes(2, 32);
        long slot = 0x01020304L;
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(seed, "HmacSHA256"));
        byte[] prk = hmac.doFinal(secret);
        hmac.init(new SecretKeySpec(prk, "HmacSHA256"));
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes("ntsfarm cookie key".getBytes());
        info.writeBytes(new byte[] {1, 2, 3, 4, 1});
        assertArrayEquals(
                hmac.doFinal(info.toByteArray()),
                CookieKeyDerivation.workingKey(FarmSecret.of(secret), seed, slot));
    }

    @Test
    void rfc5869CaseOneFirstBlock() throws Exception {
        // RFC 5869 A.1: IKM 22 x 0x0b, salt 000102..0c, info f0..f9; OKM starts 3cb25f25...
        HexFormat h = HexFormat.of();
        byte[] ikm = h.parseHex("0b".repeat(22));
        byte[] salt = h.parseHex("000102030405060708090a0b0c");
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = hmac.doFinal(ikm);
        assertEquals(
                "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
                h.formatHex(prk));
        hmac.init(new SecretKeySpec(prk, "HmacSHA256"));
        hmac.update(h.parseHex("f0f1f2f3f4f5f6f7f8f9"));
        hmac.update((byte) 1);
        assertEquals(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
                h.formatHex(hmac.doFinal()));
    }
}
