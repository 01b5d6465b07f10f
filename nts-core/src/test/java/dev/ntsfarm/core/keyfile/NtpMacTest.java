package dev.ntsfarm.core.keyfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class NtpMacTest {

    private static final HexFormat HEX = HexFormat.of();

    /** A 48-byte NTP header with recognisable bytes, inside a larger buffer at offset 3. */
    private static byte[] packetAt3() {
        byte[] buf = new byte[3 + 48 + 10];
        for (int i = 0; i < 48; i++) {
            buf[3 + i] = (byte) (i * 7 + 1);
        }
        return buf;
    }

    private static byte[] jcaDigest(String jca, byte[] key, byte[] data, int off, int len)
            throws Exception {
        MessageDigest md = MessageDigest.getInstance(jca);
        md.update(key);
        md.update(data, off, len);
        return md.digest();
    }

    @ParameterizedTest
    @CsvSource({
        "MD5, MD5, 16, 16",
        "SHA1, SHA-1, 20, 20",
        "SHA256, SHA-256, 20, 32",
        "SHA384, SHA-384, 20, 48",
        "SHA512, SHA-512, 20, 64",
        "SHA3_224, SHA3-224, 20, 28",
        "SHA3_512, SHA3-512, 20, 64",
    })
    void digestMacIsHashOfKeyThenPacketCutForNtpv4(MacAlgorithm a, String jca, int v4Len, int v3Len)
            throws Exception {
        SymmetricKey key =
                new SymmetricKey(
                        7, a, "0123456789abcdef-secret".getBytes(StandardCharsets.US_ASCII));
        byte[] packet = packetAt3();
        byte[] expected = jcaDigest(jca, key.keyBytes(), packet, 3, 48);

        byte[] out = new byte[80];
        assertEquals(v4Len, NtpMac.compute(key, packet, 3, 48, out, 5));
        assertArrayEquals(Arrays.copyOf(expected, v4Len), Arrays.copyOfRange(out, 5, 5 + v4Len));
        assertEquals(0, out[4]);
        assertEquals(0, out[5 + v4Len]);

        assertEquals(v3Len, NtpMac.compute(key, 3, packet, 3, 48, out, 0));
        assertArrayEquals(expected, Arrays.copyOf(out, v3Len));
        assertEquals(v4Len, a.macLength(4));
        assertEquals(4 + v4Len, a.trailerLength(4));
        assertEquals(4 + v3Len, a.trailerLength(3));
    }

    @Test
    void md5OfAsciiKeyMatchesAFixedVector() {
        // MD5("foobar" || 48 zero bytes): the seed's "20 foobar" key over an all-zero header
        SymmetricKey key =
                new SymmetricKey(
                        20, MacAlgorithm.MD5, "foobar".getBytes(StandardCharsets.US_ASCII));
        byte[] out = new byte[16];
        NtpMac.compute(key, new byte[48], 0, 48, out, 0);
        assertEquals("16fe36fa00d49f488279e7ca5736994e", HEX.formatHex(out));
    }

    /** RFC 4493 section 4 examples (AES-128) and NIST SP 800-38B D.3 (AES-256). */
    @ParameterizedTest
    @CsvSource({
        "AES128, 2b7e151628aed2a6abf7158809cf4f3c, 0, bb1d6929e95937287fa37d129b756746",
        "AES128, 2b7e151628aed2a6abf7158809cf4f3c, 16, 070a16b46b4d4144f79bdd9dd04a287c",
        "AES128, 2b7e151628aed2a6abf7158809cf4f3c, 40, dfa66747de9ae63030ca32611497c827",
        "AES128, 2b7e151628aed2a6abf7158809cf4f3c, 64, 51f0bebf7e3b9d92fc49741779363cfe",
        "AES256, 603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4, 0, 028962f61b7bf89efc6b551f4667d983",
        "AES256, 603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4, 16, 28a7023f452e8f82bd4bf28d8c37c35c",
        "AES256, 603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4, 40, aaf3d8f1de5640c232f5b169b9c911e6",
        "AES256, 603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4, 64, e1992190549f6ed5696a2c056c315410",
    })
    void cmacMatchesPublishedVectors(MacAlgorithm a, String keyHex, int len, String tagHex) {
        byte[] message =
                HEX.parseHex(
                        "6bc1bee22e409f96e93d7e117393172a"
                                + "ae2d8a571e03ac9c9eb76fac45af8e51"
                                + "30c81c46a35ce411e5fbc1191a0a52ef"
                                + "f69f2445df4f9b17ad2b417be66c3710");
        SymmetricKey key = new SymmetricKey(1, a, HEX.parseHex(keyHex));
        byte[] data = new byte[len + 2];
        System.arraycopy(message, 0, data, 1, len);
        byte[] out = new byte[16];
        assertEquals(16, NtpMac.compute(key, data, 1, len, out, 0));
        assertEquals(tagHex, HEX.formatHex(out));
        assertTrue(NtpMac.verify(key, data, 1, len, out, 0, 16));
    }

    @Test
    void trailerIsKeyIdThenMac() {
        SymmetricKey key = new SymmetricKey(0xA1B2C3D4L, MacAlgorithm.SHA1, new byte[20]);
        byte[] packet = packetAt3();
        byte[] trailer = new byte[24];
        assertEquals(24, NtpMac.writeTrailer(key, 4, packet, 3, 48, trailer, 0));
        assertEquals("a1b2c3d4", HEX.formatHex(trailer, 0, 4));
        assertTrue(NtpMac.verify(key, packet, 3, 48, trailer, 4, 20));
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void everyFlippedBitOfPacketOrMacFailsVerification(MacAlgorithm a) {
        byte[] secret = new byte[a.isCmac() ? a.cmacKeyLength() : 20];
        Arrays.fill(secret, (byte) 0x5A);
        SymmetricKey key = new SymmetricKey(3, a, secret);
        byte[] packet = packetAt3();
        byte[] mac = new byte[64];
        int len = NtpMac.compute(key, packet, 3, 48, mac, 0);
        assertTrue(NtpMac.verify(key, packet, 3, 48, mac, 0, len));
        for (int bit = 0; bit < 48 * 8; bit++) {
            packet[3 + bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(NtpMac.verify(key, packet, 3, 48, mac, 0, len), "packet bit " + bit);
            packet[3 + bit / 8] ^= (byte) (1 << (bit % 8));
        }
        for (int bit = 0; bit < len * 8; bit++) {
            mac[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(NtpMac.verify(key, packet, 3, 48, mac, 0, len), "mac bit " + bit);
            mac[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        SymmetricKey other =
                new SymmetricKey(3, a, Arrays.copyOf(HEX.parseHex("01"), secret.length));
        assertFalse(NtpMac.verify(other, packet, 3, 48, mac, 0, len));
    }

    @Test
    void longDigestIsAcceptedCutOrWholeInNtpv4ButOnlyWholeInNtpv3() {
        SymmetricKey key = new SymmetricKey(9, MacAlgorithm.SHA512, new byte[32]);
        byte[] packet = packetAt3();
        byte[] full = new byte[64];
        NtpMac.compute(key, 3, packet, 3, 48, full, 0);
        assertTrue(NtpMac.verify(key, 4, packet, 3, 48, full, 0, 20));
        assertTrue(NtpMac.verify(key, 4, packet, 3, 48, full, 0, 64));
        assertFalse(
                NtpMac.verify(key, 4, packet, 3, 48, full, 0, 32),
                "neither the cut nor the whole length");
        assertTrue(NtpMac.verify(key, 3, packet, 3, 48, full, 0, 64));
        assertFalse(NtpMac.verify(key, 3, packet, 3, 48, full, 0, 20));
    }

    @Test
    void shortOrMisplacedMacsFailWithoutThrowing() {
        SymmetricKey key = new SymmetricKey(9, MacAlgorithm.MD5, new byte[16]);
        byte[] packet = packetAt3();
        byte[] mac = new byte[16];
        NtpMac.compute(key, packet, 3, 48, mac, 0);
        assertFalse(NtpMac.verify(key, packet, 3, 48, mac, 0, 15), "below NTP_MIN_MAC_LENGTH");
        assertFalse(NtpMac.verify(key, packet, 3, 48, mac, 1, 16), "runs past the array");
        assertFalse(NtpMac.verify(key, packet, 3, 48, mac, -1, 16));
        assertFalse(NtpMac.verify(key, packet, 3, 48, mac, 0, -4));
    }
}
