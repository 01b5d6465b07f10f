package dev.ntsfarm.core.ke;

import static dev.ntsfarm.core.ke.KeTestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class KeResponseTest {

    static List<byte[]> cookies(int n, int length) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] c = new byte[length];
            c[length - 1] = (byte) i;
            out.add(c);
        }
        return out;
    }

    static String cookieRecords(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("0005 0004 000000").append(String.format("%02x", i)).append(' ');
        }
        return sb.toString();
    }

    @Test
    void acceptedResponseWithEightCookies() {
        byte[] expected = hex("8001 0002 0000  8004 0002 000f  " + cookieRecords(8) + " 8000 0000");
        KeResponse r =
                KeResponse.accepted(
                        AeadAlgorithm.AES_SIV_CMAC_256,
                        false,
                        cookies(8, 4),
                        Optional.empty(),
                        OptionalInt.empty());
        assertArrayEquals(expected, r.encode());
    }

    @Test
    void acceptedGcmSivResponseEchoesRecord1024AndNamesServerAndPort() {
        byte[] expected =
                hex(
                        "8001 0002 0000  8004 0002 001e  0400 0000"
                                + " 8006 000b 6e74702e6578616d706c65  8007 0002 0463 "
                                + cookieRecords(8)
                                + " 8000 0000");
        KeResponse r =
                KeResponse.accepted(
                        AeadAlgorithm.AES_128_GCM_SIV,
                        true,
                        cookies(8, 4),
                        Optional.of("ntp.example"),
                        OptionalInt.of(1123));
        assertArrayEquals(expected, r.encode());
    }

    @Test
    void record1024IsOnlyEchoedForGcmSiv() {
        KeResponse r =
                KeResponse.accepted(
                        AeadAlgorithm.AES_SIV_CMAC_512,
                        true,
                        cookies(1, 4),
                        Optional.empty(),
                        OptionalInt.empty());
        assertFalse(r.records().stream().anyMatch(x -> x.type() == 1024));
    }

    @Test
    void errorResponseIsTheErrorRecordAndEndOfMessage() {
        assertArrayEquals(
                hex("8002 0002 0000  8000 0000"),
                KeResponse.error(KeErrorCode.UNRECOGNIZED_CRITICAL_RECORD).encode());
        assertArrayEquals(
                hex("8002 0002 0001  8000 0000"),
                KeResponse.error(KeErrorCode.BAD_REQUEST).encode());
        assertArrayEquals(
                hex("8002 0002 0002  8000 0000"),
                KeResponse.error(KeErrorCode.INTERNAL_SERVER_ERROR).encode());
    }

    @Test
    void noAgreementResponsesCarryEmptyLists() {
        assertArrayEquals(hex("8001 0000  8000 0000"), KeResponse.noCommonProtocol().encode());
        assertArrayEquals(
                hex("8001 0002 0000  8004 0000  8000 0000"), KeResponse.noCommonAead().encode());
    }

    @Test
    void eightLargestCookiesFitWhatAClientMustAccept() {
        KeResponse r =
                KeResponse.accepted(
                        AeadAlgorithm.AES_SIV_CMAC_512,
                        true,
                        cookies(KeLimits.COOKIES_PER_RESPONSE, KeLimits.MAX_COOKIE_LENGTH),
                        Optional.of("x".repeat(KeLimits.MAX_SERVER_NAME_LENGTH)),
                        OptionalInt.of(65535));
        int length = r.encode().length;
        // Our own client frames with the server's limit, so every response we build must fit it.
        assertEquals(true, length <= KeLimits.MAX_MESSAGE_LENGTH, length + " bytes");
    }

    @Test
    void buildingFromBadInputIsABug() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        KeResponse.accepted(
                                AeadAlgorithm.AES_SIV_CMAC_256,
                                false,
                                List.of(),
                                Optional.empty(),
                                OptionalInt.empty()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        KeResponse.accepted(
                                AeadAlgorithm.AES_SIV_CMAC_256,
                                false,
                                cookies(9, 4),
                                Optional.empty(),
                                OptionalInt.empty()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        KeResponse.accepted(
                                AeadAlgorithm.AES_SIV_CMAC_256,
                                false,
                                Collections.nCopies(1, new byte[0]),
                                Optional.empty(),
                                OptionalInt.empty()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        KeResponse.accepted(
                                AeadAlgorithm.AES_SIV_CMAC_256,
                                false,
                                cookies(1, KeLimits.MAX_COOKIE_LENGTH + 1),
                                Optional.empty(),
                                OptionalInt.empty()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        KeResponse.accepted(
                                AeadAlgorithm.AES_SIV_CMAC_256,
                                false,
                                cookies(1, 4),
                                Optional.of("two words"),
                                OptionalInt.empty()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        KeResponse.accepted(
                                AeadAlgorithm.AES_SIV_CMAC_256,
                                false,
                                cookies(1, 4),
                                Optional.empty(),
                                OptionalInt.of(0)));
    }
}
