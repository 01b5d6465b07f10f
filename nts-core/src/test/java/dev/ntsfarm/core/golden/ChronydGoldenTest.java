package dev.ntsfarm.core.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeFrame;
import dev.ntsfarm.core.ke.KeMessage;
import dev.ntsfarm.core.ke.KeRecord;
import dev.ntsfarm.core.ke.KeRecordFramer;
import dev.ntsfarm.core.ke.KeRequest;
import dev.ntsfarm.core.ke.KeRequestVerdict;
import dev.ntsfarm.core.ke.KeResponseParser;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldFramer;
import dev.ntsfarm.core.ntp.ExtensionFieldFramer.Framing;
import dev.ntsfarm.core.ntp.ExtensionFieldWriter;
import dev.ntsfarm.core.ntp.MacTrailer;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.RawExtensionField;
import dev.ntsfarm.core.nts.AuthenticatorField;
import dev.ntsfarm.core.nts.NtsField;
import dev.ntsfarm.core.nts.NtsFieldType;
import dev.ntsfarm.testsupport.ChronydClientDump;
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

/**
 * Bytes chronyd 4.3 really sent and received on loopback (src/test/resources/golden, see its
 * README): each parser takes them, re-encodes them byte for byte, and the keys chronyd dumped
 * verify them.
 */
class ChronydGoldenTest {

    private static final List<AeadAlgorithm> CHRONY_OFFER = List.of(AeadAlgorithm.AES_SIV_CMAC_256);

    private static final ChronydClientDump DUMP =
            ChronydClientDump.parse(GoldenFixtures.lines("chronyd-client-127.0.0.1.nts"));
    private static final ChronydServerKeys SERVER_KEYS =
            ChronydServerKeys.parse(GoldenFixtures.lines("chronyd-server-ntskeys"));

    // --- NTS-KE (RFC 8915 section 4)

    @Test
    void keRequestIsAcceptedOfferingAesSivCmac256AndReencodes() {
        byte[] bytes = GoldenFixtures.hex("nts-ke-request.hex");
        List<KeRecord> records = frameWhole(bytes);

        KeRequestVerdict.Accepted accepted =
                assertInstanceOf(KeRequestVerdict.Accepted.class, KeRequest.validate(records));
        assertEquals(List.of(0), accepted.protocols(), "NTPv4 only");
        assertEquals(List.of(AeadAlgorithm.AES_SIV_CMAC_256.id()), accepted.aeadIds());
        assertTrue(accepted.server().isEmpty());
        assertTrue(accepted.port().isEmpty());
        assertFalse(accepted.compliantGcmSiv());
        assertArrayEquals(bytes, KeMessage.encode(records));
        assertArrayEquals(
                bytes,
                KeClientRequest.builder().build().encode(),
                "our default request is chronyd's, byte for byte");
    }

    @Test
    void keResponseIsAcceptedWithEightCookiesAndReencodes() {
        byte[] bytes = GoldenFixtures.hex("nts-ke-response.hex");
        List<KeRecord> records = frameWhole(bytes);

        KeResponseResult.Accepted accepted =
                assertInstanceOf(
                        KeResponseResult.Accepted.class,
                        KeResponseParser.parse(records, CHRONY_OFFER));
        assertEquals(AeadAlgorithm.AES_SIV_CMAC_256, accepted.aead());
        assertEquals(8, accepted.cookies().size());
        accepted.cookies()
                .forEach(
                        c ->
                                assertEquals(
                                        100,
                                        c.length,
                                        "chrony cookie: id 4, nonce 16, tag 16, keys 64"));
        assertEquals(
                DUMP.ntpPort(),
                accepted.port().orElseThrow(),
                "the port chronyd negotiated and dumped");
        assertTrue(accepted.server().isEmpty());
        assertArrayEquals(bytes, KeMessage.encode(records));
    }

    @Test
    void keCookiesAreTheOnesTheClientSpentAndKept() {
        List<byte[]> cookies =
                ((KeResponseResult.Accepted)
                                KeResponseParser.parse(
                                        frameWhole(GoldenFixtures.hex("nts-ke-response.hex")),
                                        CHRONY_OFFER))
                        .cookies();
        assertArrayEquals(
                cookies.getFirst(),
                fieldBodies(GoldenFixtures.hex("nts-ntp-request.hex"), NtsFieldType.NTS_COOKIE)
                        .getFirst(),
                "the first NTP request spends the first cookie");
        for (byte[] kept : cookies.subList(1, cookies.size())) {
            assertTrue(
                    DUMP.cookies().stream().anyMatch(c -> Arrays.equals(c, kept)),
                    "unspent cookies are dumped");
        }
    }

    @Test
    void keMessagesCutShortNeedMoreData() {
        for (String fixture : List.of("nts-ke-request.hex", "nts-ke-response.hex")) {
            byte[] bytes = GoldenFixtures.hex(fixture);
            for (int len = 0; len < bytes.length; len++) {
                assertInstanceOf(
                        KeFrame.NeedsMoreData.class,
                        KeRecordFramer.frame(bytes, 0, len),
                        fixture + " cut to " + len + " bytes");
            }
        }
    }

    // --- NTP packets (RFC 5905, RFC 7822, RFC 8915 section 5)

    @ParameterizedTest
    @ValueSource(
            strings = {
                "nts-ntp",
                "nts-ntp-placeholders",
                "ntp-plain",
                "ntp-key1-sha1",
                "ntp-key2-md5",
                "ntp-key3-sha256"
            })
    void ntpPacketsParseAndReencodeByteForByte(String exchange) {
        for (String side : List.of("-request.hex", "-response.hex")) {
            byte[] packet = GoldenFixtures.hex(exchange + side);
            NtpHeader header = header(packet);
            assertEquals(
                    side.startsWith("-request") ? NtpMode.CLIENT : NtpMode.SERVER, header.mode());
            Framing.Framed framed =
                    assertInstanceOf(
                            Framing.Framed.class,
                            ExtensionFieldFramer.frame(packet, 0, packet.length),
                            exchange + side);
            assertArrayEquals(packet, reencode(header, framed), exchange + side);
        }
    }

    @Test
    void responsesAnswerTheirRequests() {
        for (String exchange :
                List.of(
                        "nts-ntp",
                        "nts-ntp-placeholders",
                        "ntp-plain",
                        "ntp-key1-sha1",
                        "ntp-key2-md5",
                        "ntp-key3-sha256")) {
            NtpHeader request = header(GoldenFixtures.hex(exchange + "-request.hex"));
            NtpHeader response = header(GoldenFixtures.hex(exchange + "-response.hex"));
            assertEquals(request.transmitTimestamp(), response.originTimestamp(), exchange);
            assertEquals(request.version(), response.version(), exchange);
            assertEquals(1, response.stratum(), "local stratum 1");
        }
    }

    @ParameterizedTest
    @CsvSource({"nts-ntp, 0", "nts-ntp-placeholders, 5"})
    void ntsRequestsCarryIdentifierCookiePlaceholdersThenAuthenticator(
            String exchange, int placeholders) {
        byte[] packet = GoldenFixtures.hex(exchange + "-request.hex");
        List<Integer> types =
                framed(packet).fields().stream().map(RawExtensionField::type).toList();
        assertEquals(NtsFieldType.UNIQUE_IDENTIFIER, types.getFirst());
        assertEquals(NtsFieldType.NTS_COOKIE, types.get(1));
        assertEquals(
                placeholders,
                types.stream().filter(t -> t == NtsFieldType.COOKIE_PLACEHOLDER).count());
        assertEquals(
                NtsFieldType.AUTHENTICATOR,
                types.getLast(),
                "the authenticator is last (section 5.6)");
        byte[] cookie = fieldBodies(packet, NtsFieldType.NTS_COOKIE).getFirst();
        for (byte[] placeholder : fieldBodies(packet, NtsFieldType.COOKIE_PLACEHOLDER)) {
            assertArrayEquals(
                    new byte[cookie.length],
                    placeholder,
                    "placeholders: zeros, the cookie's length");
        }
        List<NtsField> decoded = framed(packet).fields().stream().map(NtsField::decode).toList();
        assertInstanceOf(NtsField.UniqueIdentifier.class, decoded.getFirst());
        assertEquals(
                cookie.length, assertInstanceOf(NtsField.Cookie.class, decoded.get(1)).length());
        decoded.subList(2, decoded.size() - 1)
                .forEach(
                        f ->
                                assertEquals(
                                        cookie.length,
                                        assertInstanceOf(NtsField.CookiePlaceholder.class, f)
                                                .length()));
        NtsField.Authenticator auth =
                assertInstanceOf(NtsField.Authenticator.class, decoded.getLast());
        assertEquals(16, auth.nonceLength(), "chronyd's nonce");
        assertEquals(
                AeadAlgorithm.TAG_LENGTH, auth.ciphertextLength(), "the tag of an empty plaintext");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nts-ntp", "nts-ntp-placeholders"})
    void ntsResponseEchoesTheUniqueIdentifierAndKeepsTheRequestLength(String exchange) {
        byte[] request = GoldenFixtures.hex(exchange + "-request.hex");
        byte[] response = GoldenFixtures.hex(exchange + "-response.hex");
        assertArrayEquals(
                fieldBodies(request, NtsFieldType.UNIQUE_IDENTIFIER).getFirst(),
                fieldBodies(response, NtsFieldType.UNIQUE_IDENTIFIER).getFirst());
        assertEquals(request.length, response.length, "no amplification");
    }

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
        byte[] plaintext = open(GoldenFixtures.hex(exchange + "-request.hex"), DUMP.c2s());
        assertNotNull(plaintext, "authenticator verifies with C2S");
        assertEquals(0, plaintext.length, "a chronyd request seals an empty plaintext");
    }

    @ParameterizedTest
    @CsvSource({"nts-ntp, 1", "nts-ntp-placeholders, 6"})
    void responseAuthenticatesWithS2cAndCarriesACookieForEachAsked(String exchange, int cookies) {
        byte[] request = GoldenFixtures.hex(exchange + "-request.hex");
        byte[] plaintext = open(GoldenFixtures.hex(exchange + "-response.hex"), DUMP.s2c());
        assertNotNull(plaintext, "authenticator verifies with S2C");
        List<byte[]> fresh = innerFieldBodies(plaintext, NtsFieldType.NTS_COOKIE);
        assertEquals(cookies, fresh.size(), "one for the cookie, one for each placeholder");
        int spentLength = fieldBodies(request, NtsFieldType.NTS_COOKIE).getFirst().length;
        fresh.forEach(
                c ->
                        assertEquals(
                                spentLength,
                                c.length,
                                "new cookies have the spent cookie's length"));
    }

    @Test
    void firstResponseCookieIsTheOneTheClientDumped() {
        byte[] plaintext = open(GoldenFixtures.hex("nts-ntp-response.hex"), DUMP.s2c());
        assertNotNull(plaintext);
        assertArrayEquals(
                DUMP.cookies().getFirst(),
                innerFieldBodies(plaintext, NtsFieldType.NTS_COOKIE).getFirst());
    }

    @Test
    void spentCookieOpensUnderTheServerKeyToTheDumpedKeys() {
        byte[] cookie =
                fieldBodies(GoldenFixtures.hex("nts-ntp-request.hex"), NtsFieldType.NTS_COOKIE)
                        .getFirst();
        int keyId =
                ByteBuffer.wrap(cookie)
                        .getInt(); // chrony's cookie: key id, nonce, sealed C2S || S2C
        byte[] key = SERVER_KEYS.keys().get(keyId);
        assertNotNull(
                key, "cookie key id " + Integer.toHexString(keyId) + " is in the server dump");
        Aead aead = Aead.of(AeadAlgorithm.fromId(SERVER_KEYS.aeadId()), key);
        int sealedOff =
                ChronydServerKeys.COOKIE_KEY_ID_LENGTH + ChronydServerKeys.COOKIE_NONCE_LENGTH;
        byte[] keys = new byte[cookie.length];
        int n =
                aead.open(
                        cookie,
                        ChronydServerKeys.COOKIE_KEY_ID_LENGTH,
                        ChronydServerKeys.COOKIE_NONCE_LENGTH,
                        new byte[0],
                        0,
                        0,
                        cookie,
                        sealedOff,
                        cookie.length - sealedOff,
                        keys,
                        0);
        byte[] c2sThenS2c = new byte[DUMP.c2s().length + DUMP.s2c().length];
        System.arraycopy(DUMP.c2s(), 0, c2sThenS2c, 0, DUMP.c2s().length);
        System.arraycopy(DUMP.s2c(), 0, c2sThenS2c, DUMP.c2s().length, DUMP.s2c().length);
        assertArrayEquals(c2sThenS2c, Arrays.copyOf(keys, Math.max(n, 0)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "nts-ntp-request.hex",
                "nts-ntp-response.hex",
                "nts-ntp-placeholders-request.hex",
                "nts-ntp-placeholders-response.hex"
            })
    void everyFlippedBitFailsVerification(String fixture) {
        byte[] packet = GoldenFixtures.hex(fixture);
        byte[] key = fixture.contains("request") ? DUMP.c2s() : DUMP.s2c();
        for (int i = 0; i < packet.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] corrupt = packet.clone();
                corrupt[i] ^= (byte) (1 << bit);
                assertNull(open(corrupt, key), "flip of bit " + bit + " at byte " + i);
            }
        }
    }

    // --- symmetric keys (chrony's keyfile)

    @ParameterizedTest
    @CsvSource({"ntp-key1-sha1, 1, 4, 20", "ntp-key2-md5, 2, 4, 16", "ntp-key3-sha256, 3, 3, 32"})
    void symmetricMacIsTheWholeDigestOfKeyThenHeader(
            String exchange, long keyId, int version, int digestLength)
            throws NoSuchAlgorithmException {
        for (String side : List.of("-request.hex", "-response.hex")) {
            byte[] packet = GoldenFixtures.hex(exchange + side);
            // chronyd 4.3 sends MACs longer than 20 bytes as NTPv3, so they cannot pass for a
            // field.
            assertEquals(version, header(packet).version());
            MacTrailer mac = framed(packet).mac().orElseThrow();
            assertEquals(keyId, mac.keyId());
            assertEquals(digestLength, mac.digestLength(), "never truncated");
            String[] entry = keyFileEntry(keyId);
            MessageDigest digest = MessageDigest.getInstance(javaDigest(entry[1]));
            digest.update(keyBytes(entry[2]));
            digest.update(packet, 0, NtpHeader.LENGTH);
            assertArrayEquals(
                    digest.digest(),
                    Arrays.copyOfRange(
                            packet, mac.digestOffset(), mac.digestOffset() + mac.digestLength()));
        }
    }

    // --- helpers

    private static List<KeRecord> frameWhole(byte[] bytes) {
        KeFrame.Complete complete =
                assertInstanceOf(
                        KeFrame.Complete.class, KeRecordFramer.frame(bytes, 0, bytes.length));
        assertEquals(bytes.length, complete.consumed());
        return complete.records();
    }

    private static NtpHeader header(byte[] packet) {
        return assertInstanceOf(
                        NtpHeader.Read.Parsed.class, NtpHeader.read(packet, 0, packet.length))
                .header();
    }

    private static Framing.Framed framed(byte[] packet) {
        return assertInstanceOf(
                Framing.Framed.class, ExtensionFieldFramer.frame(packet, 0, packet.length));
    }

    private static byte[] reencode(NtpHeader header, Framing.Framed framed) {
        byte[] out = new byte[ExtensionField.MAX_LENGTH];
        int off = header.write(out, 0);
        for (RawExtensionField field : framed.fields()) {
            byte[] body = field.body();
            off +=
                    ExtensionFieldWriter.write(
                            out,
                            off,
                            field.type(),
                            body,
                            0,
                            body.length,
                            ExtensionField.MIN_LENGTH);
        }
        if (framed.mac().isPresent()) {
            MacTrailer mac = framed.mac().get();
            Bytes.putU32(out, off, mac.keyId());
            System.arraycopy(
                    mac.buf(),
                    mac.digestOffset(),
                    out,
                    off + ExtensionField.MAC_KEY_ID_LENGTH,
                    mac.digestLength());
            off += mac.length();
        }
        return Arrays.copyOf(out, off);
    }

    private static List<byte[]> fieldBodies(byte[] packet, int type) {
        return framed(packet).fields().stream()
                .filter(f -> f.type() == type)
                .map(RawExtensionField::body)
                .toList();
    }

    /**
     * Verifies the NTS Authenticator (section 5.6) with {@link AuthenticatorField#open}. Returns
     * the plaintext, or {@code null} when the packet does not frame, the authenticator is not last,
     * or it does not verify.
     */
    private static byte[] open(byte[] packet, byte[] key) {
        if (!(ExtensionFieldFramer.frame(packet, 0, packet.length) instanceof Framing.Framed framed)
                || framed.fields().isEmpty()
                || framed.mac().isPresent()) {
            return null;
        }
        RawExtensionField last = framed.fields().getLast();
        if (!(NtsField.decode(last) instanceof NtsField.Authenticator)) {
            return null;
        }
        byte[] out = new byte[packet.length];
        int n =
                AuthenticatorField.open(
                        packet,
                        0,
                        last.offset(),
                        last.bodyOffset(),
                        last.bodyLength(),
                        Aead.of(AeadAlgorithm.AES_SIV_CMAC_256, key),
                        out,
                        0);
        return n < 0 ? null : Arrays.copyOf(out, n);
    }

    /** Bodies of the fields of {@code type} inside a decrypted authenticator (section 5.6). */
    private static List<byte[]> innerFieldBodies(byte[] plaintext, int type) {
        ArrayList<byte[]> bodies = new ArrayList<>();
        int off = 0;
        while (off + ExtensionField.HEADER_LENGTH <= plaintext.length) {
            int length = Bytes.u16(plaintext, off + 2);
            assertTrue(
                    length >= ExtensionField.HEADER_LENGTH && off + length <= plaintext.length,
                    "inner framing");
            if (Bytes.u16(plaintext, off) == type) {
                bodies.add(
                        Arrays.copyOfRange(
                                plaintext, off + ExtensionField.HEADER_LENGTH, off + length));
            }
            off += length;
        }
        assertEquals(plaintext.length, off);
        return bodies;
    }

    private static String[] keyFileEntry(long keyId) {
        return GoldenFixtures.lines("chrony.keys").stream()
                .map(line -> line.split(" "))
                .filter(words -> Long.parseLong(words[0]) == keyId)
                .findFirst()
                .orElseThrow();
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
            return HexFormat.of().parseHex(key.substring("HEX:".length()));
        }
        return key.substring(key.startsWith("ASCII:") ? "ASCII:".length() : 0)
                .getBytes(StandardCharsets.US_ASCII);
    }
}
