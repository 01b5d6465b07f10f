package dev.ntsfarm.core.ke;

import static dev.ntsfarm.core.ke.KeTestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeRequestTest {

    static final KeRecord NTPV4 = KeRecord.nextProtocolNegotiation(List.of(0));
    static final KeRecord AEAD_15 = KeRecord.aeadAlgorithmNegotiation(List.of(15));
    static final KeRecord EOM = KeRecord.endOfMessage();

    static KeRequestVerdict validate(KeRecord... records) {
        return KeRequest.validate(List.of(records));
    }

    static KeRequestVerdict validateBytes(byte[] msg) {
        KeFrame.Complete c =
                assertInstanceOf(KeFrame.Complete.class, KeRecordFramer.frame(msg, 0, msg.length));
        assertEquals(msg.length, c.consumed());
        return KeRequest.validate(c.records());
    }

    @Test
    void minimalRequestIsAccepted() {
        KeRequestVerdict.Accepted a =
                assertInstanceOf(
                        KeRequestVerdict.Accepted.class,
                        validateBytes(KeRecordFramerTest.MINIMAL_REQUEST));
        assertEquals(
                new KeRequestVerdict.Accepted(
                        List.of(0), List.of(15), Optional.empty(), OptionalInt.empty(), false),
                a);
    }

    @Test
    void requestShapedLikeChrony461IsAcceptedWithTheCompliantFlag() {
        // Next Protocol [0], AEAD [30, 15], record 1024 (not critical, empty), End of Message.
        byte[] msg = hex("8001 0002 0000  8004 0004 001e 000f  0400 0000  8000 0000");
        KeRequestVerdict.Accepted a =
                assertInstanceOf(KeRequestVerdict.Accepted.class, validateBytes(msg));
        assertEquals(List.of(30, 15), a.aeadIds());
        assertTrue(a.compliantGcmSiv());
        assertTrue(a.compliantExport(AeadAlgorithm.AES_128_GCM_SIV));
        assertFalse(a.compliantExport(AeadAlgorithm.AES_SIV_CMAC_256));
    }

    @Test
    void requestedServerAndPortAreReported() {
        byte[] msg =
                hex(
                        "8001 0002 0000  8004 0002 000f  0006 0009 3132372e302e302e31  0007 0002 007b  8000 0000");
        KeRequestVerdict.Accepted a =
                assertInstanceOf(KeRequestVerdict.Accepted.class, validateBytes(msg));
        assertEquals(Optional.of("127.0.0.1"), a.server());
        assertEquals(OptionalInt.of(123), a.port());
    }

    @Test
    void unknownNonCriticalRecordsAreIgnoredAndAeadOrderIsTheClients() {
        KeRequestVerdict.Accepted a =
                assertInstanceOf(
                        KeRequestVerdict.Accepted.class,
                        validate(
                                new KeRecord(false, 2000, hex("0102")),
                                KeRecord.aeadAlgorithmNegotiation(List.of(17, 999, 15)),
                                NTPV4,
                                EOM));
        assertEquals(List.of(17, 999, 15), a.aeadIds());
        assertFalse(a.compliantGcmSiv());
    }

    @Test
    void criticalServerAndPortFromAClientAreUnderstood() {
        assertInstanceOf(
                KeRequestVerdict.Accepted.class,
                validate(
                        NTPV4,
                        AEAD_15,
                        KeRecord.ntpv4ServerNegotiation(true, "ntp.example"),
                        KeRecord.ntpv4PortNegotiation(true, 1123),
                        EOM));
    }

    @Test
    void requestWithoutNtpv4GetsAnEmptyNextProtocolNotAnError() {
        KeRequestVerdict.NoCommonProtocol n =
                assertInstanceOf(
                        KeRequestVerdict.NoCommonProtocol.class,
                        validate(KeRecord.nextProtocolNegotiation(List.of(1, 0x8000)), EOM));
        assertEquals(List.of(1, 0x8000), n.protocols());
    }

    static Stream<Arguments> rejections() {
        KeRecord unknownCritical = new KeRecord(true, 2000, new byte[0]);
        return Stream.of(
                // Section 4: unrecognized critical records get error 0, even before anything else
                // is wrong.
                rejected(0, unknownCritical, NTPV4, AEAD_15, EOM),
                rejected(0, unknownCritical, EOM),
                rejected(0, NTPV4, new KeRecord(true, 0x7fff, hex("00")), AEAD_15, EOM),
                // Section 4.1.1: End of Message.
                rejected(1, NTPV4, AEAD_15),
                rejected(1),
                rejected(1, NTPV4, EOM, AEAD_15, EOM),
                rejected(1, NTPV4, AEAD_15, new KeRecord(false, 0, new byte[0])),
                rejected(1, NTPV4, AEAD_15, new KeRecord(true, 0, hex("00"))),
                // Section 4.1.2: exactly one critical Next Protocol with at least one id.
                rejected(1, AEAD_15, EOM),
                rejected(1, NTPV4, NTPV4, AEAD_15, EOM),
                rejected(1, new KeRecord(false, 1, hex("0000")), AEAD_15, EOM),
                rejected(1, KeRecord.nextProtocolNegotiation(List.of()), AEAD_15, EOM),
                rejected(1, new KeRecord(true, 1, hex("000000")), AEAD_15, EOM),
                // Sections 4.1.3, 4.1.4, 4.1.6: server-only records.
                rejected(1, NTPV4, AEAD_15, KeRecord.error(1), EOM),
                rejected(1, NTPV4, AEAD_15, KeRecord.warning(0), EOM),
                rejected(1, NTPV4, AEAD_15, KeRecord.newCookie(hex("00112233")), EOM),
                // Section 4.1.5: exactly one AEAD record with at least one id, when NTPv4 is
                // offered.
                rejected(1, NTPV4, EOM),
                rejected(1, NTPV4, AEAD_15, AEAD_15, EOM),
                rejected(1, NTPV4, KeRecord.aeadAlgorithmNegotiation(List.of()), EOM),
                rejected(1, NTPV4, new KeRecord(true, 4, hex("000f00")), EOM),
                // Section 4.1.7: one printable ASCII name.
                rejected(1, NTPV4, AEAD_15, new KeRecord(false, 6, new byte[0]), EOM),
                rejected(1, NTPV4, AEAD_15, new KeRecord(false, 6, hex("6120 62")), EOM),
                rejected(1, NTPV4, AEAD_15, new KeRecord(false, 6, hex("c3a9")), EOM),
                rejected(1, NTPV4, AEAD_15, new KeRecord(false, 6, new byte[256]), EOM),
                rejected(
                        1,
                        NTPV4,
                        AEAD_15,
                        KeRecord.ntpv4ServerNegotiation(false, "a"),
                        KeRecord.ntpv4ServerNegotiation(false, "b"),
                        EOM),
                // Section 4.1.8: one non-zero u16.
                rejected(1, NTPV4, AEAD_15, new KeRecord(false, 7, hex("007b00")), EOM),
                rejected(1, NTPV4, AEAD_15, new KeRecord(false, 7, hex("00")), EOM),
                rejected(1, NTPV4, AEAD_15, KeRecord.ntpv4PortNegotiation(false, 0), EOM),
                rejected(
                        1,
                        NTPV4,
                        AEAD_15,
                        KeRecord.ntpv4PortNegotiation(false, 123),
                        KeRecord.ntpv4PortNegotiation(false, 123),
                        EOM),
                // Record 1024: empty, once.
                rejected(1, NTPV4, AEAD_15, new KeRecord(false, 1024, hex("00")), EOM),
                rejected(
                        1,
                        NTPV4,
                        AEAD_15,
                        KeRecord.compliant128GcmExport(),
                        KeRecord.compliant128GcmExport(),
                        EOM));
    }

    static Arguments rejected(int code, KeRecord... records) {
        return Arguments.of(code, Arrays.asList(records));
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void everyBrokenRuleIsRejectedWithItsErrorCode(int code, List<KeRecord> records) {
        KeRequestVerdict.Rejected r =
                assertInstanceOf(
                        KeRequestVerdict.Rejected.class,
                        KeRequest.validate(new ArrayList<>(records)));
        assertEquals(code, r.error().code(), r.reason());
        assertFalse(r.reason().isBlank());
    }

    @Test
    void aeadChoiceFollowsTheServersPreferenceAmongWhatTheClientOffered() {
        List<Integer> offer = List.of(15, 30, 999);
        assertEquals(
                Optional.of(AeadAlgorithm.AES_128_GCM_SIV),
                KeAeadChoice.choose(
                        offer,
                        List.of(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256)));
        assertEquals(
                Optional.of(AeadAlgorithm.AES_SIV_CMAC_256),
                KeAeadChoice.choose(
                        offer,
                        List.of(
                                AeadAlgorithm.AES_SIV_CMAC_512,
                                AeadAlgorithm.AES_SIV_CMAC_256,
                                AeadAlgorithm.AES_128_GCM_SIV)));
        assertEquals(
                Optional.empty(),
                KeAeadChoice.choose(List.of(16, 999), List.of(AeadAlgorithm.AES_SIV_CMAC_256)));
        assertEquals(Optional.empty(), KeAeadChoice.choose(offer, List.of()));
    }

    @Test
    void acceptedChoosesThroughTheSameRule() {
        KeRequestVerdict.Accepted a =
                new KeRequestVerdict.Accepted(
                        List.of(0), List.of(17, 15), Optional.empty(), OptionalInt.empty(), false);
        assertEquals(
                Optional.of(AeadAlgorithm.AES_SIV_CMAC_256),
                a.chooseAead(
                        List.of(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256)));
    }
}
