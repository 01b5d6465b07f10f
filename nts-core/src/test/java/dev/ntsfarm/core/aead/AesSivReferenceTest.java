package dev.ntsfarm.core.aead;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

/**
 * {@link AesSiv} on both of its AES engines against RFC 5297 written out plainly on Bouncy Castle's
 * CMAC and CTR: any length of associated data, nonce and plaintext, and runs of calls whose short
 * associated data repeats, changes, or outlives a new key.
 */
class AesSivReferenceTest {

    @Provide
    Arbitrary<byte[]> shortOrLong() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40);
    }

    @Provide
    Arbitrary<byte[]> plaintexts() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(1200);
    }

    @Property(tries = 300)
    void bothEnginesSealAsTheReferenceAndOpenWhatTheySealed(
            @ForAll @IntRange(min = 0, max = 2) int keySize,
            @ForAll @Size(64) byte[] keyMaterial,
            @ForAll("shortOrLong") byte[] ad,
            @ForAll("shortOrLong") byte[] nonce,
            @ForAll("plaintexts") byte[] pt) {
        byte[] key = Arrays.copyOf(keyMaterial, 32 + 16 * keySize);
        byte[] expected = reference(key, new byte[][] {ad, nonce}, pt);
        for (Aead siv : engines(key)) {
            byte[] out = new byte[pt.length + 16];
            siv.seal(nonce, 0, nonce.length, ad, 0, ad.length, pt, 0, pt.length, out, 0);
            assertArrayEquals(expected, out, siv.toString());
            byte[] back = new byte[pt.length];
            assertEquals(
                    pt.length,
                    siv.open(
                            nonce, 0, nonce.length, ad, 0, ad.length, out, 0, out.length, back, 0));
            assertArrayEquals(pt, back);
        }
    }

    @Test
    void aRepeatedShortAdChangedAdOfTheSameLengthAndANewKeyEachSealAsTheReference() {
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        Arrays.fill(k1, (byte) 1);
        Arrays.fill(k2, (byte) 2);
        byte[] nonce = new byte[16];
        byte[] pt = new byte[68];
        byte[][] ads = {{0, 0, 0, 7}, {0, 0, 0, 7}, {0, 0, 0, 8}, {0, 0, 0, 7}, {0, 0, 7}, {}};
        for (Aead siv : engines(k1)) {
            for (byte[] key : new byte[][] {k1, k2, k1}) {
                siv.init(key, 0);
                for (byte[] ad : ads) {
                    nonce[0]++;
                    byte[] out = new byte[pt.length + 16];
                    siv.seal(nonce, 0, nonce.length, ad, 0, ad.length, pt, 0, pt.length, out, 0);
                    assertArrayEquals(reference(key, new byte[][] {ad, nonce}, pt), out);
                    byte[] back = new byte[pt.length];
                    assertEquals(
                            pt.length,
                            siv.open(nonce, 0, 16, ad, 0, ad.length, out, 0, out.length, back, 0));
                }
            }
        }
    }

    /** The JDK's AES (a long-lived key) and AES in Java (a key used once). */
    private static Aead[] engines(byte[] key) {
        AeadAlgorithm alg =
                switch (key.length) {
                    case 32 -> AeadAlgorithm.AES_SIV_CMAC_256;
                    case 48 -> AeadAlgorithm.AES_SIV_CMAC_384;
                    default -> AeadAlgorithm.AES_SIV_CMAC_512;
                };
        Aead inJava = Aead.forSingleUse(alg);
        inJava.init(key, 0);
        return new Aead[] {Aead.of(alg, key.clone()), inJava};
    }

    /** RFC 5297 sections 2.4 and 2.6, step by step. */
    private static byte[] reference(byte[] key, byte[][] components, byte[] pt) {
        int half = key.length / 2;
        CMac cmac = new CMac(AESEngine.newInstance());
        cmac.init(new KeyParameter(key, 0, half));
        byte[] d = cmacOf(cmac, new byte[16]);
        for (byte[] c : components) {
            d = xor(dbl(d), cmacOf(cmac, c));
        }
        byte[] t;
        if (pt.length >= 16) {
            t = pt.clone();
            for (int i = 0; i < 16; i++) {
                t[pt.length - 16 + i] ^= d[i];
            }
        } else {
            byte[] padded = new byte[16];
            System.arraycopy(pt, 0, padded, 0, pt.length);
            padded[pt.length] = (byte) 0x80;
            t = xor(dbl(d), padded);
        }
        byte[] v = cmacOf(cmac, t);
        byte[] q = v.clone();
        q[8] &= 0x7f;
        q[12] &= 0x7f;
        SICBlockCipher ctr = new SICBlockCipher(AESEngine.newInstance());
        ctr.init(true, new ParametersWithIV(new KeyParameter(key, half, half), q));
        byte[] out = new byte[16 + pt.length];
        System.arraycopy(v, 0, out, 0, 16);
        ctr.processBytes(pt, 0, pt.length, out, 16);
        return out;
    }

    private static byte[] cmacOf(CMac cmac, byte[] m) {
        byte[] out = new byte[16];
        cmac.update(m, 0, m.length);
        cmac.doFinal(out, 0);
        return out;
    }

    private static byte[] dbl(byte[] b) {
        byte[] r = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) ((b[i] << 1) | (i < 15 ? (b[i + 1] & 0xff) >>> 7 : 0));
        }
        if ((b[0] & 0x80) != 0) {
            r[15] ^= (byte) 0x87;
        }
        return r;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] r = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (a[i] ^ b[i]);
        }
        return r;
    }
}
