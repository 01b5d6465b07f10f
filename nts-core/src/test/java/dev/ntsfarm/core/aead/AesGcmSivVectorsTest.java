package dev.ntsfarm.core.aead;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8452 Appendix C.1 (AEAD_AES_128_GCM_SIV) known answers; output is ciphertext || tag. */
class AesGcmSivVectorsTest {

    private static final byte[] KEY = Hex.bytes("01000000000000000000000000000000");
    private static final byte[] NONCE = Hex.bytes("030000000000000000000000");

    @ParameterizedTest(name = "C.1 pt={0} ad={1}")
    @CsvSource({
        "'', '', dc20e2d83f25705bb49e439eca56de25",
        "0100000000000000, '', b5d839330ac7b786578782fff6013b815b287c22493a364c",
        "010000000000000000000000, '', 7323ea61d05932260047d942a4978db357391a0bc4fdec8b0d106639",
        "0200000000000000, 01, 1e6daba35669f4273b0a1a2560969cdf790d99759abd1508",
        "020000000000000000000000, 01, 296c7889fd99f41917f4462008299c5102745aaa3a0c469fad9e075a",
        "02000000, 010000000000000000000000, a8fe3e8707eb1f84fb28f8cb73de8e99e2f48a14",
    })
    void sealsAndOpensTheRfcVector(String ptHex, String adHex, String resultHex) {
        byte[] pt = Hex.bytes(ptHex);
        byte[] ad = Hex.bytes(adHex);
        byte[] expected = Hex.bytes(resultHex);
        Aead aead = Aead.of(AeadAlgorithm.AES_128_GCM_SIV, KEY);

        byte[] out = new byte[pt.length + 16];
        assertEquals(
                expected.length,
                aead.seal(NONCE, 0, 12, ad, 0, ad.length, pt, 0, pt.length, out, 0));
        assertArrayEquals(expected, out);

        byte[] back = new byte[pt.length];
        assertEquals(
                pt.length,
                aead.open(NONCE, 0, 12, ad, 0, ad.length, expected, 0, expected.length, back, 0));
        assertArrayEquals(pt, back);
    }

    @Test
    void aNonceOtherThanTwelveBytesIsAProgrammingErrorWhenSealingAndAFailureWhenOpening() {
        Aead aead = Aead.of(AeadAlgorithm.AES_128_GCM_SIV, KEY);
        byte[] nonce16 = new byte[16];
        byte[] out = new byte[32];
        assertThrows(
                IllegalArgumentException.class,
                () -> aead.seal(nonce16, 0, 16, out, 0, 0, out, 0, 0, out, 0));
        byte[] sealed = Hex.bytes("dc20e2d83f25705bb49e439eca56de25");
        assertEquals(-1, aead.open(nonce16, 0, 16, out, 0, 0, sealed, 0, sealed.length, out, 0));
        assertEquals(-1, aead.open(NONCE, 0, 11, out, 0, 0, sealed, 0, sealed.length, out, 0));
        assertEquals(0, aead.open(NONCE, 0, 12, out, 0, 0, sealed, 0, sealed.length, out, 0));
    }
}
