package dev.ntsfarm.core.aead;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Round trips and tampering for every algorithm behind {@link Aead}. */
class AeadPropertiesTest {

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(600);
    }

    @Property(tries = 200)
    void sealThenOpenGivesThePlaintextBack(
            @ForAll AeadAlgorithm alg,
            @ForAll @Size(64) byte[] keyMaterial,
            @ForAll("bytes") byte[] ad,
            @ForAll("bytes") byte[] pt,
            @ForAll long nonceSeed) {
        byte[] key = Arrays.copyOf(keyMaterial, alg.keyLength());
        byte[] nonce = new byte[alg.nonceLength()];
        new Random(nonceSeed).nextBytes(nonce);
        Aead aead = Aead.of(alg, key);
        // offsets inside larger buffers, so slice handling is exercised too
        byte[] out = new byte[pt.length + 16 + 7];
        assertEquals(
                pt.length + 16,
                aead.seal(nonce, 0, nonce.length, ad, 0, ad.length, pt, 0, pt.length, out, 3));
        byte[] back = new byte[pt.length + 5];
        assertEquals(
                pt.length,
                aead.open(
                        nonce, 0, nonce.length, ad, 0, ad.length, out, 3, pt.length + 16, back, 5));
        assertArrayEquals(pt, Arrays.copyOfRange(back, 5, 5 + pt.length));
    }

    @Property(tries = 50)
    void aReboundInstanceMatchesAFreshOne(
            @ForAll AeadAlgorithm alg,
            @ForAll @Size(64) byte[] k1,
            @ForAll @Size(64) byte[] k2,
            @ForAll("bytes") byte[] pt) {
        byte[] nonce = new byte[alg.nonceLength()];
        Aead reused = Aead.of(alg, Arrays.copyOf(k1, alg.keyLength()));
        reused.init(k2, 0);
        Aead fresh = Aead.of(alg, Arrays.copyOf(k2, alg.keyLength()));
        byte[] a = new byte[pt.length + 16];
        byte[] b = new byte[pt.length + 16];
        reused.seal(nonce, 0, nonce.length, pt, 0, 0, pt, 0, pt.length, a, 0);
        fresh.seal(nonce, 0, nonce.length, pt, 0, 0, pt, 0, pt.length, b, 0);
        assertArrayEquals(b, a);
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void tamperingAnyByteOfSealedAdOrNonceFailsToOpen(AeadAlgorithm alg) {
        Random random = new Random(alg.id());
        byte[] key = new byte[alg.keyLength()];
        random.nextBytes(key);
        byte[] nonce = new byte[alg.nonceLength()];
        random.nextBytes(nonce);
        byte[] ad = new byte[40];
        random.nextBytes(ad);
        byte[] pt = new byte[37];
        random.nextBytes(pt);
        Aead aead = Aead.of(alg, key);
        byte[] sealed = new byte[pt.length + 16];
        aead.seal(nonce, 0, nonce.length, ad, 0, ad.length, pt, 0, pt.length, sealed, 0);
        byte[] out = new byte[pt.length];

        for (byte[] target : new byte[][] {sealed, ad, nonce}) {
            for (int i = 0; i < target.length; i++) {
                for (int bit = 0; bit < 8; bit += 3) {
                    target[i] ^= (byte) (1 << bit);
                    assertEquals(
                            -1,
                            aead.open(
                                    nonce,
                                    0,
                                    nonce.length,
                                    ad,
                                    0,
                                    ad.length,
                                    sealed,
                                    0,
                                    sealed.length,
                                    out,
                                    0),
                            () -> alg + ": flipped a bit and it still opened");
                    target[i] ^= (byte) (1 << bit);
                }
            }
        }
        assertEquals(
                -1,
                aead.open(
                        nonce,
                        0,
                        nonce.length,
                        ad,
                        0,
                        ad.length,
                        sealed,
                        0,
                        sealed.length - 1,
                        out,
                        0));
        assertEquals(
                -1,
                aead.open(
                        nonce,
                        0,
                        nonce.length,
                        ad,
                        0,
                        ad.length - 1,
                        sealed,
                        0,
                        sealed.length,
                        out,
                        0));
        assertEquals(
                -1, aead.open(nonce, 0, nonce.length, ad, 0, ad.length, sealed, 0, 15, out, 0));
        assertEquals(
                pt.length,
                aead.open(
                        nonce,
                        0,
                        nonce.length,
                        ad,
                        0,
                        ad.length,
                        sealed,
                        0,
                        sealed.length,
                        out,
                        0));
        assertArrayEquals(pt, out);
    }

    @Test
    void aKeyOfTheWrongLengthIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Aead.of(AeadAlgorithm.AES_SIV_CMAC_256, new byte[16]));
        assertThrows(
                IllegalArgumentException.class,
                () -> Aead.of(AeadAlgorithm.AES_128_GCM_SIV, new byte[32]));
    }

    @Test
    void toStringShowsTheAlgorithmAndNoKey() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0xab);
        String s = Aead.of(AeadAlgorithm.AES_SIV_CMAC_256, key).toString();
        assertEquals(true, s.contains("AES_SIV_CMAC_256"));
        assertEquals(false, s.toLowerCase().contains("abab"));
    }
}
