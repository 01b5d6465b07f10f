package dev.ntsfarm.core.aead;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java AES against FIPS 197 Appendix C and against the JDK's AES for random keys of each
 * length.
 */
class AesBlockTest {

    @ParameterizedTest(name = "FIPS 197 C: {0}")
    @CsvSource({
        "000102030405060708090a0b0c0d0e0f, 69c4e0d86a7b0430d8cdb78070b4c55a",
        "000102030405060708090a0b0c0d0e0f1011121314151617, dda97ca4864cdfe06eaf70a0ec0d7191",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f, 8ea2b7ca516745bfeafc49904b496089",
    })
    void knownAnswers(String key, String expected) {
        AesBlock aes = new AesBlock();
        byte[] k = Hex.bytes(key);
        aes.init(k, 0, k.length);
        byte[] out = new byte[16];
        aes.encrypt(Hex.bytes("00112233445566778899aabbccddeeff"), 0, out, 0);
        assertArrayEquals(Hex.bytes(expected), out);
    }

    @Test
    void agreesWithTheJdkAndRekeysInPlace() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        AesBlock aes = new AesBlock();
        Cipher jdk = Cipher.getInstance("AES/ECB/NoPadding");
        for (int i = 0; i < 300; i++) {
            byte[] key = new byte[16 + 8 * (i % 3)];
            byte[] block = new byte[16];
            r.nextBytes(key);
            r.nextBytes(block);
            aes.init(key, 0, key.length);
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            byte[] ours = new byte[16];
            aes.encrypt(block, 0, ours, 0);
            assertArrayEquals(jdk.doFinal(block), ours);
        }
    }

    @Test
    void singleUseAeadsSealAndOpenAsTheDefaultOnes() {
        SplittableRandom r = new SplittableRandom(9);
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            Aead single = Aead.forSingleUse(alg);
            for (int i = 0; i < 50; i++) {
                byte[] key = new byte[alg.keyLength()];
                byte[] nonce = new byte[alg.nonceLength()];
                byte[] ad = new byte[r.nextInt(200)];
                byte[] pt = new byte[r.nextInt(200)];
                r.nextBytes(key);
                r.nextBytes(nonce);
                r.nextBytes(ad);
                r.nextBytes(pt);
                Aead reference = Aead.of(alg, key);
                single.init(key, 0);
                byte[] a = new byte[pt.length + 16];
                byte[] b = new byte[pt.length + 16];
                reference.seal(nonce, 0, nonce.length, ad, 0, ad.length, pt, 0, pt.length, a, 0);
                single.seal(nonce, 0, nonce.length, ad, 0, ad.length, pt, 0, pt.length, b, 0);
                assertArrayEquals(a, b, alg + " seal");
                byte[] back = new byte[pt.length];
                org.junit.jupiter.api.Assertions.assertEquals(
                        pt.length,
                        single.open(
                                nonce, 0, nonce.length, ad, 0, ad.length, a, 0, a.length, back, 0));
                assertArrayEquals(pt, back, alg + " open");
            }
        }
    }
}
