package dev.ntsfarm.core.ke;

import static dev.ntsfarm.core.ke.KeTestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Messages captured from chronyd 4.3 (see src/test/resources/ke/README.md). */
class KeChronyGoldenTest {

    static final List<AeadAlgorithm> OFFER_15 = List.of(AeadAlgorithm.AES_SIV_CMAC_256);

    static byte[] golden(String name) {
        try (InputStream in =
                KeChronyGoldenTest.class.getResourceAsStream("/ke/" + name + ".hex")) {
            return hex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<KeRecord> frame(byte[] msg) {
        KeFrame.Complete c =
                assertInstanceOf(
                        KeFrame.Complete.class,
                        KeRecordFramer.frame(
                                msg, 0, msg.length, KeLimits.MIN_ACCEPTED_RESPONSE_LENGTH));
        assertEquals(msg.length, c.consumed());
        assertArrayEquals(msg, KeMessage.encode(c.records()));
        return c.records();
    }

    @Test
    void chronyRequestIsOurDefaultRequestAndIsAccepted() {
        byte[] request = golden("chrony43-request");
        assertArrayEquals(KeClientRequest.builder().build().encode(), request);
        assertEquals(
                new KeRequestVerdict.Accepted(
                        List.of(0), List.of(15), Optional.empty(), OptionalInt.empty(), false),
                KeRequest.validate(frame(request)));
    }

    @Test
    void chronyAcceptedResponseGivesEightCookiesAndItsNtpPort() {
        for (String name : List.of("chrony43-response-minimal", "chrony43-response-gcmsiv-offer")) {
            KeResponseResult.Accepted a =
                    assertInstanceOf(
                            KeResponseResult.Accepted.class,
                            KeResponseParser.parse(
                                    frame(golden(name)),
                                    List.of(
                                            AeadAlgorithm.AES_128_GCM_SIV,
                                            AeadAlgorithm.AES_SIV_CMAC_256)),
                            name);
            assertEquals(AeadAlgorithm.AES_SIV_CMAC_256, a.aead());
            assertEquals(8, a.cookies().size());
            a.cookies().forEach(c -> assertEquals(100, c.length));
            assertEquals(Optional.empty(), a.server());
            assertEquals(OptionalInt.of(11124), a.port());
            // chronyd 4.3 predates record 1024 and skips it, being non-critical.
            assertFalse(a.compliantGcmSiv());
        }
    }

    @Test
    void chronyErrorsAreTheOnesWeGiveForTheSameRequests() {
        assertErrorAgreement(
                "chrony43-response-unknown-critical",
                "c7d0 0000  8001 0002 0000  8004 0002 000f  8000 0000",
                KeErrorCode.UNRECOGNIZED_CRITICAL_RECORD);
        assertErrorAgreement(
                "chrony43-response-duplicate-next-protocol",
                "8001 0002 0000  8001 0002 0000  8004 0002 000f  8000 0000",
                KeErrorCode.BAD_REQUEST);
        assertErrorAgreement(
                "chrony43-response-client-error-record",
                "8001 0002 0000  8004 0002 000f  8002 0002 0001  8000 0000",
                KeErrorCode.BAD_REQUEST);
    }

    private static void assertErrorAgreement(String name, String requestHex, KeErrorCode code) {
        byte[] chronyResponse = golden(name);
        KeRequestVerdict.Rejected r =
                assertInstanceOf(
                        KeRequestVerdict.Rejected.class,
                        KeRequest.validate(frame(hex(requestHex))),
                        name);
        assertEquals(code, r.error(), name);
        assertArrayEquals(chronyResponse, KeResponse.error(r.error()).encode(), name);
        assertEquals(
                new KeResponseResult.ServerError(code.code()),
                KeResponseParser.parse(frame(chronyResponse), OFFER_15));
    }

    @Test
    void chronyNoAgreementResponsesAreTheOnesWeGive() {
        assertInstanceOf(
                KeRequestVerdict.NoCommonProtocol.class,
                KeRequest.validate(frame(hex("8001 0002 0001  8000 0000"))));
        byte[] noProtocol = golden("chrony43-response-no-ntpv4");
        assertArrayEquals(noProtocol, KeResponse.noCommonProtocol().encode());
        assertInstanceOf(
                KeResponseResult.NoAgreement.class,
                KeResponseParser.parse(frame(noProtocol), OFFER_15));

        KeRequestVerdict.Accepted a =
                assertInstanceOf(
                        KeRequestVerdict.Accepted.class,
                        KeRequest.validate(
                                frame(hex("8001 0002 0000  8004 0002 0011  8000 0000"))));
        assertEquals(Optional.empty(), a.chooseAead(List.of(AeadAlgorithm.AES_SIV_CMAC_256)));
        byte[] noAead = golden("chrony43-response-no-common-aead");
        assertArrayEquals(noAead, KeResponse.noCommonAead().encode());
        assertInstanceOf(
                KeResponseResult.NoAgreement.class,
                KeResponseParser.parse(frame(noAead), OFFER_15));
    }
}
