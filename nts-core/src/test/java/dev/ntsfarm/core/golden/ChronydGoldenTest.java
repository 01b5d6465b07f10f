package dev.ntsfarm.core.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bytes chronyd 4.3 really sent and received (src/test/resources/golden), checked end to end. */
class ChronydGoldenTest {

    private static final int NTP_HEADER_LENGTH = 48;
    private static final int EF_HEADER_LENGTH = 4;
    private static final int AUTH_EF_FIXED_LENGTH = 4;
    private static final int EF_NTS_COOKIE = 0x0204;
    private static final int EF_NTS_AUTHENTICATOR = 0x0404;

    private static final ChronydClientDump DUMP =
            ChronydClientDump.parse(GoldenFixtures.lines("chronyd-client-127.0.0.1.nts"));
    private static final ChronydServerKeys SERVER_KEYS =
            ChronydServerKeys.parse(GoldenFixtures.lines("chronyd-server-ntskeys"));

    @Test
    void clientDumpHoldsTheNegotiatedAeadAndKeys() {
        assertEquals(AeadAlgorithm.AES_SIV_CMAC_256.id(), DUMP.aeadId());
        assertEquals(AeadAlgorithm.AES_SIV_CMAC_256.keyLength(), DUMP.c2s().length);
        assertEquals(AeadAlgorithm.AES_SIV_CMAC_256.keyLength(), DUMP.s2c().length);
        assertEquals(8, DUMP.cookies().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nts-ntp", "nts-ntp-placeholders"})
    void requestAuthenticatesWithC2s(String exchange) {
        byte[] request = GoldenFixtures.hex(exchange + "-request.hex");
        assertEquals(0, open(request, DUMP.c2s()).length, "a chronyd request seals an empty plaintext");
    }

    @ParameterizedTest
    @CsvSource({"nts-ntp, 1", "nts-ntp-placeholders, 6"})
    void responseAuthenticatesWithS2cAndCarriesOneCookieForEachAsked(String exchange, int cookies) {
        byte[] request = GoldenFixtures.hex(exchange + "-request.hex");
        byte[] response = GoldenFixtures.hex(exchange + "-response.hex");
        byte[] plaintext = open(response, DUMP.s2c());
        assertNotNull(plaintext);
        List<byte[]> fresh = fieldBodies(plaintext, 0, EF_NTS_COOKIE);
        byte[] spent = fieldBodies(request, NTP_HEADER_LENGTH, EF_NTS_COOKIE).getFirst();
        assertEquals(cookies, fresh.size());
        for (byte[] cookie : fresh) {
            assertEquals(spent.length, cookie.length, "new cookies have the spent cookie's length");
        }
        assertEquals(request.length, response.length, "chronyd answers with the request's length");
    }

    @Test
    void firstResponseCookieIsTheOneTheClientDumped() {
        byte[] plaintext = open(GoldenFixtures.hex("nts-ntp-response.hex"), DUMP.s2c());
        assertArrayEquals(DUMP.cookies().getFirst(), fieldBodies(plaintext, 0, EF_NTS_COOKIE).getFirst());
    }

    @Test
    void spentCookieOpensUnderTheServerKeyToTheDumpedKeys() {
        byte[] cookie = fieldBodies(GoldenFixtures.hex("nts-ntp-request.hex"), NTP_HEADER_LENGTH, EF_NTS_COOKIE)
                .getFirst();
        int keyId = ByteBuffer.wrap(cookie).getInt();
        byte[] key = SERVER_KEYS.keys().get(keyId);
        assertNotNull(key, "cookie key id " + Integer.toHexString(keyId) + " is in the server dump");
        Aead aead = Aead.of(AeadAlgorithm.fromId(SERVER_KEYS.aeadId()), key);
        int sealedOff = ChronydServerKeys.COOKIE_KEY_ID_LENGTH + ChronydServerKeys.COOKIE_NONCE_LENGTH;
        byte[] keys = new byte[cookie.length];
        int n = aead.open(cookie, ChronydServerKeys.COOKIE_KEY_ID_LENGTH, ChronydServerKeys.COOKIE_NONCE_LENGTH,
                new byte[0], 0, 0, cookie, sealedOff, cookie.length - sealedOff, keys, 0);
        byte[] c2sThenS2c = new byte[DUMP.c2s().length + DUMP.s2c().length];
        System.arraycopy(DUMP.c2s(), 0, c2sThenS2c, 0, DUMP.c2s().length);
        System.arraycopy(DUMP.s2c(), 0, c2sThenS2c, DUMP.c2s().length, DUMP.s2c().length);
        assertArrayEquals(c2sThenS2c, Arrays.copyOf(keys, n));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nts-ntp-request.hex", "nts-ntp-response.hex",
            "nts-ntp-placeholders-request.hex", "nts-ntp-placeholders-response.hex"})
    void everyFlippedByteBeforeThePaddingFailsVerification(String fixture) {
        byte[] packet = GoldenFixtures.hex(fixture);
        byte[] key = fixture.contains("request") ? DUMP.c2s() : DUMP.s2c();
        int authEnd = authenticatorOffset(packet) + EF_HEADER_LENGTH + AUTH_EF_FIXED_LENGTH
                + u16(packet, authenticatorOffset(packet) + 4) + u16(packet, authenticatorOffset(packet) + 6);
        for (int i = 0; i < authEnd; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] corrupt = packet.clone();
                corrupt[i] ^= (byte) (1 << bit);
                assertEquals(null, openIfWellFormed(corrupt, key), "flip of bit " + bit + " at byte " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ntp-key1-sha1", "ntp-key2-md5", "ntp-key3-sha256"})
    void symmetricKeyMacIsTheWholeDigestOfKeyThenHeader(String exchange) throws NoSuchAlgorithmException {
        for (String side : List.of("-request.hex", "-response.hex")) {
            byte[] packet = GoldenFixtures.hex(exchange + side);
            int keyId = ByteBuffer.wrap(packet, NTP_HEADER_LENGTH, 4).getInt();
            String[] entry = keyFileEntry(keyId);
            MessageDigest digest = MessageDigest.getInstance(javaDigest(entry[1]));
            digest.update(keyBytes(entry[2]));
            digest.update(packet, 0, NTP_HEADER_LENGTH);
            byte[] expected = digest.digest();
            assertEquals(NTP_HEADER_LENGTH + 4 + expected.length, packet.length, "digest not truncated");
            assertArrayEquals(expected, Arrays.copyOfRange(packet, NTP_HEADER_LENGTH + 4, packet.length));
        }
    }

    @Test
    void plainResponseAnswersThePlainRequest() {
        byte[] request = GoldenFixtures.hex("ntp-plain-request.hex");
        byte[] response = GoldenFixtures.hex("ntp-plain-response.hex");
        assertEquals(NTP_HEADER_LENGTH, request.length);
        assertEquals(NTP_HEADER_LENGTH, response.length);
        assertEquals(0x23, request[0], "LI 0, version 4, mode 3 (client)");
        assertEquals(0x24, response[0], "LI 0, version 4, mode 4 (server)");
        assertEquals(1, response[1], "stratum 1 (local stratum 1)");
        assertArrayEquals(Arrays.copyOfRange(request, 40, 48), Arrays.copyOfRange(response, 24, 32),
                "origin timestamp = the request's transmit timestamp");
    }

    // --- helpers over RFC 7822 framing; the production parsers are checked against the same bytes

    /** Opens the authenticator of {@code packet}; {@code null} when it does not verify. */
    private static byte[] open(byte[] packet, byte[] key) {
        byte[] plaintext = openIfWellFormed(packet, key);
        assertNotNull(plaintext, "authenticator verifies");
        return plaintext;
    }

    private static byte[] openIfWellFormed(byte[] packet, byte[] key) {
        int off = authenticatorOffset(packet);
        if (off < 0) {
            return null;
        }
        int nonceLen = u16(packet, off + 4);
        int sealedLen = u16(packet, off + 6);
        int nonceOff = off + EF_HEADER_LENGTH + AUTH_EF_FIXED_LENGTH;
        if (nonceOff + nonceLen + sealedLen > packet.length) {
            return null;
        }
        byte[] out = new byte[sealedLen];
        int n = Aead.of(AeadAlgorithm.AES_SIV_CMAC_256, key).open(packet, nonceOff, nonceLen, packet, 0, off,
                packet, nonceOff + nonceLen, sealedLen, out, 0);
        return n < 0 ? null : Arrays.copyOf(out, n);
    }

    /** Offset of the last extension field when it is the authenticator, else -1. */
    private static int authenticatorOffset(byte[] packet) {
        int off = NTP_HEADER_LENGTH;
        int last = -1;
        while (off + EF_HEADER_LENGTH <= packet.length) {
            int length = u16(packet, off + 2);
            if (length < EF_HEADER_LENGTH || off + length > packet.length) {
                return -1;
            }
            last = off;
            off += length;
        }
        return off == packet.length && last >= 0 && u16(packet, last) == EF_NTS_AUTHENTICATOR ? last : -1;
    }

    private static List<byte[]> fieldBodies(byte[] bytes, int from, int type) {
        ArrayList<byte[]> bodies = new ArrayList<>();
        for (int off = from; off + EF_HEADER_LENGTH <= bytes.length; off += u16(bytes, off + 2)) {
            if (u16(bytes, off) == type) {
                bodies.add(Arrays.copyOfRange(bytes, off + EF_HEADER_LENGTH, off + u16(bytes, off + 2)));
            }
        }
        return bodies;
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    private static String[] keyFileEntry(int keyId) {
        return GoldenFixtures.lines("chrony.keys").stream()
                .map(line -> line.split(" "))
                .filter(words -> Integer.parseInt(words[0]) == keyId)
                .findFirst().orElseThrow();
    }

    private static String javaDigest(String chronyHash) {
        return switch (chronyHash) {
            case "MD5" -> "MD5";
            case "SHA1" -> "SHA-1";
            case "SHA256" -> "SHA-256";
            default -> throw new IllegalArgumentException(chronyHash);
        };
    }

    private static byte[] keyBytes(String key) {
        if (key.startsWith("HEX:")) {
            return HexFormat.of().parseHex(key.substring(4));
        }
        return key.substring(key.startsWith("ASCII:") ? 6 : 0).getBytes(StandardCharsets.US_ASCII);
    }
}
