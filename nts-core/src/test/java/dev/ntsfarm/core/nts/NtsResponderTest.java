package dev.ntsfarm.core.nts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.DropReason;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldFramer;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.ServerDecision.Authentication;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NtsResponderTest {

    private final InsecureNtsFixture f = new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 1);

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void validRequestGetsAReplyTheClientVerifiesWithOneCookiePerPlaceholderAndOne(
            AeadAlgorithm alg) {
        InsecureNtsFixture fx = new InsecureNtsFixture(alg, 7);
        for (int placeholders = 0; placeholders <= NtsFieldType.MAX_PLACEHOLDERS; placeholders++) {
            NtsClientRequest req = fx.request(placeholders);
            byte[] out = new byte[2048];
            ServerDecision d = fx.handle(req.packet(), req.packet().length, out);
            ServerDecision.Respond r = assertInstanceOf(ServerDecision.Respond.class, d);
            assertEquals(Authentication.NTS, r.authentication());
            assertTrue(r.length() <= req.packet().length, "reply longer than request");

            NtsClientResponse.Result result =
                    NtsClientResponse.verify(out, 0, r.length(), req, fx.keys);
            NtsClientResponse.Result.Verified v =
                    assertInstanceOf(NtsClientResponse.Result.Verified.class, result);
            assertEquals(placeholders + 1, v.cookies().size());
            assertEquals(NtpMode.SERVER, v.header().mode());
            assertEquals(InsecureNtsFixture.CLIENT_TRANSMIT, v.header().originTimestamp().bits());
            assertEquals(InsecureNtsFixture.RECEIVE, v.header().receiveTimestamp().bits());
            assertEquals(InsecureNtsFixture.TRANSMIT, v.header().transmitTimestamp().bits());
            assertEquals(InsecureNtsFixture.STATE.stratum(), v.header().stratum());
            assertEquals(InsecureNtsFixture.STATE.referenceId(), v.header().referenceId());
            for (byte[] cookie : v.cookies()) {
                NtsScratch opened = new NtsScratch((b, o, l) -> {});
                assertTrue(NtsResponder.openCookie(fx.codec, cookie, 0, cookie.length, opened));
                assertEquals(alg, opened.keys.algorithm());
                assertArrayEquals(fx.keys.c2s(), opened.keys.c2s());
                assertArrayEquals(fx.keys.s2c(), opened.keys.s2c());
            }
            // the fresh cookies carry this session's keys and work in the next request
            NtsClientRequest next =
                    NtsClientRequest.builder()
                            .cookie(v.cookies().get(0))
                            .keys(fx.keys)
                            .random(fx.random)
                            .transmitTimestamp(1)
                            .build();
            assertInstanceOf(ServerDecision.Respond.class, fx.handle(next.packet()));
        }
    }

    @Test
    void uidIsEchoedOutsideTheEncryptedPart() {
        NtsClientRequest req = f.request(1);
        byte[] out = new byte[req.packet().length];
        ServerDecision.Respond r =
                (ServerDecision.Respond) f.handle(req.packet(), req.packet().length, out);
        var framed =
                (ExtensionFieldFramer.Framing.Framed)
                        ExtensionFieldFramer.frame(out, 0, r.length());
        assertEquals(2, framed.fields().size());
        assertEquals(NtsFieldType.UNIQUE_IDENTIFIER, framed.fields().get(0).type());
        assertArrayEquals(req.uniqueIdentifier(), framed.fields().get(0).body());
        assertEquals(NtsFieldType.AUTHENTICATOR, framed.fields().get(1).type());
    }

    @Test
    void cookiesAreMadeBeforeTheTransmitTimestampIsRead() {
        List<String> events = new ArrayList<>();
        InsecureNtsFixture fx = new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 3);
        byte[] req = fx.request(3).packet();
        CookieCodec watched =
                new CookieCodec(
                        InsecureNtsFixture.insecureCodec(3).ring(),
                        (b, o, l) -> events.add("cookie"));
        NtsResponder.handle(
                req,
                0,
                req.length,
                InsecureNtsFixture.RECEIVE,
                InsecureNtsFixture.STATE,
                watched,
                fx.scratch,
                SymmetricKeys.NONE,
                () -> {
                    events.add("clock");
                    return InsecureNtsFixture.TRANSMIT;
                },
                new byte[req.length]);
        assertEquals(List.of("cookie", "cookie", "cookie", "cookie", "clock"), events);
    }

    @Test
    void cookieUnderAnUnknownKeyEarnsAnNtsNak() {
        InsecureNtsFixture other = new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 2);
        NtsClientRequest req = other.request(2); // sealed under another farm's master key
        byte[] out = new byte[req.packet().length];
        ServerDecision.Nak nak =
                assertInstanceOf(
                        ServerDecision.Nak.class, f.handle(req.packet(), req.packet().length, out));
        assertEquals(NtpHeader.LENGTH + 4 + 32, nak.length()); // header and the echoed UID only
        NtpHeader h = ((NtpHeader.Read.Parsed) NtpHeader.read(out, 0, nak.length())).header();
        assertEquals(0, h.stratum());
        assertEquals(KissCode.NTSN, h.kissCode());
        assertEquals(LeapIndicator.UNSYNCHRONIZED, h.leap());
        assertEquals(InsecureNtsFixture.CLIENT_TRANSMIT, h.originTimestamp().bits());
        var framed =
                (ExtensionFieldFramer.Framing.Framed)
                        ExtensionFieldFramer.frame(out, 0, nak.length());
        assertEquals(1, framed.fields().size());
        assertInstanceOf(
                NtsClientResponse.Result.Nak.class,
                NtsClientResponse.verify(out, 0, nak.length(), req, other.keys));
    }

    @Test
    void requestThatDoesNotAuthenticateEarnsAnNtsNak() {
        NtsClientRequest req = f.request(1);
        byte[] tampered = req.packet().clone();
        tampered[tampered.length - 1] ^= 1; // last byte of the authenticator's ciphertext
        byte[] out = new byte[tampered.length];
        ServerDecision.Nak nak =
                assertInstanceOf(
                        ServerDecision.Nak.class, f.handle(tampered, tampered.length, out));
        assertEquals(NtpHeader.LENGTH + 4 + 32, nak.length());
        NtpHeader h = ((NtpHeader.Read.Parsed) NtpHeader.read(out, 0, nak.length())).header();
        assertEquals(KissCode.NTSN, h.kissCode());
        assertInstanceOf(
                NtsClientResponse.Result.Nak.class,
                NtsClientResponse.verify(out, 0, nak.length(), req, f.keys));
    }

    @Test
    void plainRequestGetsAPlainReply() {
        byte[] req = f.new Packet(NtpMode.CLIENT).bytes();
        byte[] out = new byte[48];
        ServerDecision.Respond r =
                assertInstanceOf(ServerDecision.Respond.class, f.handle(req, 48, out));
        assertEquals(new ServerDecision.Respond(48, Authentication.NONE), r);
        NtpHeader h = ((NtpHeader.Read.Parsed) NtpHeader.read(out, 0, 48)).header();
        assertEquals(NtpMode.SERVER, h.mode());
        assertEquals(4, h.version());
        assertEquals(InsecureNtsFixture.STATE.poll(), h.poll());
        assertEquals(InsecureNtsFixture.STATE.precision(), h.precision());
        assertEquals(InsecureNtsFixture.STATE.rootDelay(), h.rootDelay());
        assertEquals(InsecureNtsFixture.STATE.rootDispersion(), h.rootDispersion());
        assertEquals(InsecureNtsFixture.STATE.referenceTimestamp(), h.referenceTimestamp());
        assertEquals(InsecureNtsFixture.CLIENT_TRANSMIT, h.originTimestamp().bits());
        assertEquals(InsecureNtsFixture.TRANSMIT, h.transmitTimestamp().bits());
    }

    @Test
    void unknownFieldsAloneGetAPlainReply() {
        byte[] req = f.packet().field(0x2005, new byte[40]).bytes();
        assertEquals(new ServerDecision.Respond(48, Authentication.NONE), f.handle(req));
    }

    /** A fake keyed digest (not a real MAC algorithm): the key id repeated and xor-folded data. */
    private static final SymmetricKeys FAKE_KEY_7 =
            new SymmetricKeys() {
                private byte[] digest(byte[] data, int off, int len) {
                    byte[] d = new byte[20];
                    for (int i = 0; i < len; i++) {
                        d[i % 20] ^= (byte) (data[off + i] + 7);
                    }
                    return d;
                }

                @Override
                public boolean verify(
                        long keyId,
                        byte[] data,
                        int off,
                        int len,
                        byte[] digest,
                        int digestOff,
                        int digestLen) {
                    return keyId == 7
                            && digestLen == 20
                            && Bytes.equal(digest(data, off, len), 0, digest, digestOff, 20);
                }

                @Override
                public int sign(
                        long keyId,
                        byte[] data,
                        int off,
                        int len,
                        byte[] out,
                        int outOff,
                        int maxLength) {
                    if (keyId != 7 || maxLength < 20) {
                        return -1;
                    }
                    System.arraycopy(digest(data, off, len), 0, out, outOff, 20);
                    return 20;
                }
            };

    private static byte[] withMac(byte[] header, long keyId, SymmetricKeys keys) {
        byte[] p = Arrays.copyOf(header, 48 + 24);
        Bytes.putU32(p, 48, keyId);
        keys.sign(keyId, p, 0, 48, p, 52, 20);
        return p;
    }

    @Test
    void symmetricKeyRequestGetsASignedReply() {
        byte[] req = withMac(f.new Packet(NtpMode.CLIENT).bytes(), 7, FAKE_KEY_7);
        byte[] out = new byte[req.length];
        ServerDecision d =
                NtsResponder.handle(
                        req,
                        0,
                        req.length,
                        InsecureNtsFixture.RECEIVE,
                        InsecureNtsFixture.STATE,
                        f.codec,
                        f.scratch,
                        FAKE_KEY_7,
                        f.clock,
                        out);
        assertEquals(new ServerDecision.Respond(72, Authentication.SYMMETRIC_KEY), d);
        assertEquals(7, Bytes.u32(out, 48));
        assertTrue(FAKE_KEY_7.verify(7, out, 0, 48, out, 52, 20));
    }

    private static Map<DropReason, byte[]> requestsForEveryDropReason(InsecureNtsFixture f) {
        Map<DropReason, byte[]> m = new EnumMap<>(DropReason.class);
        int cl = Bytes.padded4(CookieCodec.cookieLength(f.alg));
        m.put(
                DropReason.NOT_A_CLIENT_REQUEST,
                f.new Packet(NtpMode.SYMMETRIC_ACTIVE).uid().cookie().auth().bytes());
        m.put(DropReason.MALFORMED, f.packet().uid().raw(new byte[] {0, 0, 0, 0}).bytes());
        m.put(DropReason.NO_UNIQUE_IDENTIFIER, f.packet().cookie().auth().bytes());
        m.put(
                DropReason.UNIQUE_IDENTIFIER_TOO_SHORT,
                f.packet()
                        .field(NtsFieldType.UNIQUE_IDENTIFIER, new byte[28])
                        .cookie()
                        .auth()
                        .bytes());
        m.put(
                DropReason.MORE_THAN_ONE_UNIQUE_IDENTIFIER,
                f.packet().uid().uid().cookie().auth().bytes());
        m.put(DropReason.NO_COOKIE, f.packet().uid().placeholders(1, cl).auth().bytes());
        m.put(DropReason.MORE_THAN_ONE_COOKIE, f.packet().uid().cookie().cookie().auth().bytes());
        m.put(
                DropReason.TOO_MANY_PLACEHOLDERS,
                f.packet().uid().cookie().placeholders(8, cl).auth().bytes());
        m.put(
                DropReason.PLACEHOLDER_LENGTH_MISMATCH,
                f.packet().uid().cookie().placeholders(1, cl - 4).auth().bytes());
        m.put(DropReason.AUTHENTICATOR_MISSING, f.packet().uid().cookie().bytes());
        m.put(
                DropReason.AUTHENTICATOR_NOT_LAST,
                f.packet().uid().cookie().auth().field(0x2005, new byte[24]).bytes());
        byte[] zeroNonce = f.packet().uid().cookie().auth().bytes();
        int authBody = zeroNonce.length - 40 + 4;
        Bytes.putU16(zeroNonce, authBody, 0);
        m.put(DropReason.AUTHENTICATOR_MALFORMED, zeroNonce);
        m.put(
                DropReason.ENCRYPTED_FIELDS_MALFORMED,
                f.packet().uid().cookie().auth(new byte[8]).bytes());
        byte[] ntsAndMac = Arrays.copyOf(f.request(0).packet(), f.request(0).packet().length + 20);
        m.put(DropReason.NTS_WITH_MAC, ntsAndMac);
        m.put(DropReason.BAD_MAC, withMac(f.packet().bytes(), 8, FAKE_KEY_7));
        return m;
    }

    @Test
    void everyDropReasonIsReachable() {
        Map<DropReason, byte[]> requests = requestsForEveryDropReason(f);
        for (var e : requests.entrySet()) {
            assertEquals(
                    ServerDecision.Drop.of(e.getKey()),
                    NtsResponder.handle(
                            e.getValue(),
                            0,
                            e.getValue().length,
                            InsecureNtsFixture.RECEIVE,
                            InsecureNtsFixture.STATE,
                            f.codec,
                            f.scratch,
                            FAKE_KEY_7,
                            f.clock,
                            new byte[e.getValue().length]),
                    e.getKey().name());
        }
        // the key verifies but cannot sign: the one reason that needs a broken key file
        byte[] signed = withMac(f.packet().bytes(), 7, FAKE_KEY_7);
        SymmetricKeys verifyOnly = SymmetricKeys.of(FAKE_KEY_7, (k, d, o, l, out, oo, max) -> -1);
        assertEquals(
                ServerDecision.Drop.of(DropReason.MAC_NOT_SIGNED),
                NtsResponder.handle(
                        signed,
                        0,
                        signed.length,
                        InsecureNtsFixture.RECEIVE,
                        InsecureNtsFixture.STATE,
                        f.codec,
                        f.scratch,
                        verifyOnly,
                        f.clock,
                        new byte[signed.length]));
        EnumSet<DropReason> covered = EnumSet.copyOf(requests.keySet());
        covered.add(DropReason.MAC_NOT_SIGNED);
        // the server's own reasons, before and after this decision: NtpNtsServerTest reaches each
        covered.addAll(NtpNtsServerTest.SERVER_REASONS);
        assertEquals(EnumSet.allOf(DropReason.class), covered);
    }

    @Test
    void encryptedPlaceholdersCountAndNeverBreakTheLengthLimit() {
        int cl = Bytes.padded4(CookieCodec.cookieLength(f.alg));
        byte[] placeholder = new byte[ExtensionField.fieldLength(cl, 0)];
        dev.ntsfarm.core.ntp.ExtensionFieldWriter.writeZeroed(
                placeholder, 0, NtsFieldType.COOKIE_PLACEHOLDER, cl, 0);
        byte[] req = f.packet().uid().cookie().placeholders(1, cl).auth(placeholder).bytes();
        byte[] out = new byte[req.length];
        ServerDecision.Respond r =
                assertInstanceOf(ServerDecision.Respond.class, f.handle(req, req.length, out));
        assertTrue(r.length() <= req.length);
        NtsClientRequest asIf =
                new NtsClientRequest(
                        req,
                        Arrays.copyOfRange(req, 52, 84),
                        InsecureNtsFixture.CLIENT_TRANSMIT,
                        2);
        var v =
                assertInstanceOf(
                        NtsClientResponse.Result.Verified.class,
                        NtsClientResponse.verify(out, 0, r.length(), asIf, f.keys));
        assertEquals(3, v.cookies().size());
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void replyToAWellFormedRequestIsExactlyAsLongAsTheRequest(AeadAlgorithm alg) {
        // the placeholders pay for the cookies and the client's authenticator for the server's
        InsecureNtsFixture fx = new InsecureNtsFixture(alg, 5);
        for (int placeholders = 0; placeholders <= NtsFieldType.MAX_PLACEHOLDERS; placeholders++) {
            byte[] req = fx.request(placeholders).packet();
            ServerDecision.Respond r = (ServerDecision.Respond) fx.handle(req);
            assertEquals(req.length, r.length());
        }
    }
}
