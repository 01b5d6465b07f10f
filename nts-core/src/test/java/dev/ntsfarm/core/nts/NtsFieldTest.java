package dev.ntsfarm.core.nts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.DropReason;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.RawExtensionField;
import dev.ntsfarm.core.ntp.ServerDecision;
import org.junit.jupiter.api.Test;

class NtsFieldTest {

    private static RawExtensionField field(int type, byte[] body) {
        byte[] buf = new byte[ExtensionField.fieldLength(body.length, 0)];
        dev.ntsfarm.core.ntp.ExtensionFieldWriter.write(buf, 0, type, body, 0, body.length, 0);
        return new RawExtensionField(type, buf, 0, buf.length);
    }

    @Test
    void uniqueIdentifierNeedsThirtyTwoBytes() {
        assertEquals(
                new NtsField.Invalid(0x0104, NtsField.Reason.UNIQUE_IDENTIFIER_TOO_SHORT),
                NtsField.decode(field(0x0104, new byte[28])));
        assertEquals(
                32,
                assertInstanceOf(
                                NtsField.UniqueIdentifier.class,
                                NtsField.decode(field(0x0104, new byte[32])))
                        .length());
    }

    @Test
    void cookiePlaceholderAndUnknownDecode() {
        assertEquals(
                104,
                assertInstanceOf(
                                NtsField.Cookie.class,
                                NtsField.decode(field(0x0204, new byte[102])))
                        .length());
        assertEquals(
                new NtsField.CookiePlaceholder(104), NtsField.decode(field(0x0304, new byte[104])));
        assertInstanceOf(NtsField.Unknown.class, NtsField.decode(field(0x0505, new byte[12])));
    }

    @Test
    void authenticatorLengthsMustFitTheField() {
        byte[] body = new byte[4 + 16 + 16];
        Bytes.putU16(body, 0, 16);
        Bytes.putU16(body, 2, 16);
        NtsField.Authenticator a =
                assertInstanceOf(
                        NtsField.Authenticator.class, NtsField.decode(field(0x0404, body)));
        assertEquals(16, a.nonceLength());
        assertEquals(a.nonceOffset() + 16, a.ciphertextOffset());
        Bytes.putU16(body, 2, 20); // ciphertext runs past the field
        assertEquals(
                new NtsField.Invalid(0x0404, NtsField.Reason.AUTHENTICATOR_LENGTHS),
                NtsField.decode(field(0x0404, body)));
        Bytes.putU16(body, 2, 12); // shorter than a tag
        assertEquals(
                new NtsField.Invalid(0x0404, NtsField.Reason.AUTHENTICATOR_LENGTHS),
                NtsField.decode(field(0x0404, body)));
    }

    @Test
    void nonceAreaOfSixteenBytesIsRequiredForAesSivButTwelveForGcmSiv() {
        byte[] body = new byte[4 + 12 + 16];
        Bytes.putU16(body, 0, 12);
        Bytes.putU16(body, 2, 16);
        assertEquals(
                NtsField.Reason.AUTHENTICATOR_PADDING,
                AuthenticatorField.check(
                        body,
                        0,
                        body.length,
                        AuthenticatorField.requiredNonceArea(AeadAlgorithm.AES_SIV_CMAC_256)));
        assertEquals(
                null,
                AuthenticatorField.check(
                        body,
                        0,
                        body.length,
                        AuthenticatorField.requiredNonceArea(AeadAlgorithm.AES_128_GCM_SIV)));
        // the responder applies it once the cookie names the AEAD: a 12-byte AES-SIV nonce is
        // dropped
        InsecureNtsFixture f = new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 31);
        byte[] req = f.request(0).packet();
        int auth = req.length - 40;
        byte[] shortNonce = new byte[auth + 36];
        System.arraycopy(req, 0, shortNonce, 0, auth);
        Bytes.putU16(shortNonce, auth, 0x0404);
        Bytes.putU16(shortNonce, auth + 2, 36);
        Bytes.putU16(shortNonce, auth + 4, 12);
        Bytes.putU16(shortNonce, auth + 6, 16);
        assertEquals(
                ServerDecision.Drop.of(DropReason.AUTHENTICATOR_MALFORMED), f.handle(shortNonce));
    }
}
