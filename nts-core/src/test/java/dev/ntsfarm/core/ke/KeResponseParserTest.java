package dev.ntsfarm.core.ke;

import static dev.ntsfarm.core.ke.KeTestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.params.provider.MethodSource;

class KeResponseParserTest {

    static final List<AeadAlgorithm> OFFER_15 = List.of(AeadAlgorithm.AES_SIV_CMAC_256);
    static final List<AeadAlgorithm> OFFER_30_15 =
            List.of(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256);
    static final KeRecord NTPV4 = KeRecord.nextProtocolNegotiation(List.of(0));
    static final KeRecord AEAD_15 = KeRecord.aeadAlgorithmNegotiation(List.of(15));
    static final KeRecord COOKIE = KeRecord.newCookie(hex("0102030405060708"));
    static final KeRecord EOM = KeRecord.endOfMessage();

    static KeResponseResult parseBytes(byte[] msg, List<AeadAlgorithm> offered) {
        KeFrame.Complete c =
                assertInstanceOf(
                        KeFrame.Complete.class,
                        KeRecordFramer.frame(
                                msg, 0, msg.length, KeLimits.MIN_ACCEPTED_RESPONSE_LENGTH));
        assertEquals(msg.length, c.consumed());
        return KeResponseParser.parse(c.records(), offered);
    }

    static KeResponseResult parse(KeRecord... records) {
        return KeResponseParser.parse(List.of(records), OFFER_15);
    }

    @Test
    void acceptedResponseGivesAeadCookiesServerAndPort() {
        byte[] msg =
                hex(
                        "8001 0002 0000  8004 0002 001e  0400 0000"
                                + " 8006 000b 6e74702e6578616d706c65  8007 0002 0463"
                                + " 0005 0004 00000000  0005 0004 00000001  8000 0000");
        KeResponseResult.Accepted a =
                assertInstanceOf(KeResponseResult.Accepted.class, parseBytes(msg, OFFER_30_15));
        assertEquals(AeadAlgorithm.AES_128_GCM_SIV, a.aead());
        assertEquals(2, a.cookies().size());
        assertArrayEquals(hex("00000001"), a.cookies().get(1));
        assertEquals(Optional.of("ntp.example"), a.server());
        assertEquals(OptionalInt.of(1123), a.port());
        assertTrue(a.compliantGcmSiv());
    }

    @Test
    void olderChronyResponseForGcmSivLacksTheCompliantFlag() {
        byte[] msg = hex("8001 0002 0000  8004 0002 001e  0005 0004 00000000  8000 0000");
        KeResponseResult.Accepted a =
                assertInstanceOf(KeResponseResult.Accepted.class, parseBytes(msg, OFFER_30_15));
        assertFalse(a.compliantGcmSiv());
        assertTrue(NtsExporter.clientNeedsAlternateKeys(a.aead(), a.compliantGcmSiv()));
    }

    @Test
    void toStringShowsNoCookieBytes() {
        KeResponseResult.Accepted a =
                assertInstanceOf(
                        KeResponseResult.Accepted.class, parse(NTPV4, AEAD_15, COOKIE, EOM));
        assertFalse(a.toString().contains("0102"), a.toString());
        assertFalse(a.toString().contains("[B@"), a.toString());
    }

    @Test
    void errorRecordWinsOverEverythingElse() {
        assertEquals(
                new KeResponseResult.ServerError(1),
                parseBytes(hex("8002 0002 0001  8000 0000"), OFFER_15));
        KeResponseResult.ServerError e =
                assertInstanceOf(
                        KeResponseResult.ServerError.class,
                        parse(NTPV4, AEAD_15, COOKIE, KeRecord.warning(7), KeRecord.error(2), EOM));
        assertEquals(KeErrorCode.INTERNAL_SERVER_ERROR, e.knownError());
        assertEquals(null, new KeResponseResult.ServerError(99).knownError());
    }

    @Test
    void warningRecordStopsTheExchange() {
        assertEquals(
                new KeResponseResult.Warning(7),
                parse(NTPV4, AEAD_15, COOKIE, KeRecord.warning(7), EOM));
    }

    @Test
    void emptyListsMeanTheServerSharesNothingWithUs() {
        assertInstanceOf(
                KeResponseResult.NoAgreement.class,
                parseBytes(hex("8001 0000  8000 0000"), OFFER_15));
        assertInstanceOf(
                KeResponseResult.NoAgreement.class,
                parseBytes(hex("8001 0002 0000  8004 0000  8000 0000"), OFFER_15));
    }

    @Test
    void cookiesBeyondEightAndUnusableOnesAreSkipped() {
        List<KeRecord> records =
                new ArrayList<>(
                        List.of(
                                NTPV4,
                                AEAD_15,
                                KeRecord.newCookie(new byte[0]),
                                KeRecord.newCookie(new byte[KeLimits.MAX_COOKIE_LENGTH + 1])));
        for (int i = 0; i < 10; i++) {
            records.add(KeRecord.newCookie(new byte[] {(byte) i}));
        }
        records.add(new KeRecord(false, 0x4321, hex("ff")));
        records.add(EOM);
        KeResponseResult.Accepted a =
                assertInstanceOf(
                        KeResponseResult.Accepted.class, KeResponseParser.parse(records, OFFER_15));
        assertEquals(KeLimits.MAX_COOKIES, a.cookies().size());
        assertArrayEquals(new byte[] {7}, a.cookies().getLast());
    }

    static Stream<List<KeRecord>> malformed() {
        return Stream.of(
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(true, 0x4321, new byte[0]), EOM),
                l(NTPV4, AEAD_15, COOKIE),
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(false, 0, new byte[0])),
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(true, 0, hex("00"))),
                l(NTPV4, EOM, AEAD_15, COOKIE, EOM),
                l(AEAD_15, COOKIE, EOM),
                l(NTPV4, NTPV4, AEAD_15, COOKIE, EOM),
                l(new KeRecord(false, 1, hex("0000")), AEAD_15, COOKIE, EOM),
                l(KeRecord.nextProtocolNegotiation(List.of(1)), AEAD_15, COOKIE, EOM),
                l(KeRecord.nextProtocolNegotiation(List.of(0, 0)), AEAD_15, COOKIE, EOM),
                l(new KeRecord(true, 1, hex("00")), AEAD_15, COOKIE, EOM),
                l(NTPV4, COOKIE, EOM),
                l(NTPV4, AEAD_15, AEAD_15, COOKIE, EOM),
                l(NTPV4, KeRecord.aeadAlgorithmNegotiation(List.of(30)), COOKIE, EOM),
                l(NTPV4, KeRecord.aeadAlgorithmNegotiation(List.of(999)), COOKIE, EOM),
                l(NTPV4, KeRecord.aeadAlgorithmNegotiation(List.of(15, 15)), COOKIE, EOM),
                l(NTPV4, new KeRecord(true, 4, hex("0f")), COOKIE, EOM),
                l(NTPV4, AEAD_15, EOM),
                l(NTPV4, AEAD_15, KeRecord.newCookie(new byte[0]), EOM),
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(true, 6, hex("20")), EOM),
                l(
                        NTPV4,
                        AEAD_15,
                        COOKIE,
                        KeRecord.ntpv4ServerNegotiation(true, "a"),
                        KeRecord.ntpv4ServerNegotiation(true, "a"),
                        EOM),
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(true, 7, hex("0001 00")), EOM),
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(true, 7, hex("0000")), EOM),
                l(
                        NTPV4,
                        AEAD_15,
                        COOKIE,
                        KeRecord.ntpv4PortNegotiation(true, 1),
                        KeRecord.ntpv4PortNegotiation(true, 2),
                        EOM),
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(false, 1024, hex("00")), EOM),
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(true, 2, hex("00")), EOM),
                l(NTPV4, AEAD_15, COOKIE, new KeRecord(true, 3, new byte[0]), EOM));
    }

    static List<KeRecord> l(KeRecord... records) {
        return Arrays.asList(records);
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void everyBrokenRuleIsMalformed(List<KeRecord> records) {
        KeResponseResult.Malformed m =
                assertInstanceOf(
                        KeResponseResult.Malformed.class,
                        KeResponseParser.parse(records, OFFER_15));
        assertFalse(m.reason().isBlank());
    }

    @Test
    void parsingAgainstTheRequestUsesItsOffer() {
        KeClientRequest request =
                KeClientRequest.builder().aeads(AeadAlgorithm.AES_SIV_CMAC_512).build();
        assertInstanceOf(
                KeResponseResult.Malformed.class,
                KeResponseParser.parse(List.of(NTPV4, AEAD_15, COOKIE, EOM), request));
        assertInstanceOf(
                KeResponseResult.Accepted.class,
                KeResponseParser.parse(
                        List.of(NTPV4, KeRecord.aeadAlgorithmNegotiation(List.of(17)), COOKIE, EOM),
                        request));
    }
}
