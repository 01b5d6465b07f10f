package dev.ntsfarm.core.nts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.nts.NtsClientResponse.Reason;
import dev.ntsfarm.core.nts.NtsClientResponse.Result;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NtsClientResponseTest {

    private final InsecureNtsFixture f = new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 21);

    private byte[] reply(NtsClientRequest req) {
        byte[] out = new byte[req.packet().length];
        int len =
                switch (f.handle(req.packet(), req.packet().length, out)) {
                    case ServerDecision.Respond r -> r.length();
                    case ServerDecision.Nak n -> n.length();
                    case ServerDecision.Drop d -> throw new AssertionError(d.toString());
                };
        return Arrays.copyOf(out, len);
    }

    private Result verify(byte[] reply, NtsClientRequest req) {
        return NtsClientResponse.verify(reply, 0, reply.length, req, f.keys);
    }

    @Test
    void requestHasTheRfcShape() {
        NtsClientRequest req = f.request(2);
        var framed =
                (dev.ntsfarm.core.ntp.ExtensionFieldFramer.Framing.Framed)
                        dev.ntsfarm.core.ntp.ExtensionFieldFramer.frame(
                                req.packet(), 0, req.packet().length);
        assertEquals(5, framed.fields().size());
        int[] types =
                framed.fields().stream()
                        .mapToInt(dev.ntsfarm.core.ntp.RawExtensionField::type)
                        .toArray();
        assertEquals(
                Arrays.toString(new int[] {0x0104, 0x0204, 0x0304, 0x0304, 0x0404}),
                Arrays.toString(types));
        assertEquals(32, framed.fields().get(0).bodyLength());
        // RFC 8915 section 5.6: 16-byte nonce, tag-only ciphertext, no plaintext
        NtsField.Authenticator auth =
                (NtsField.Authenticator) NtsField.decode(framed.fields().get(4));
        assertEquals(16, auth.nonceLength());
        assertEquals(16, auth.ciphertextLength());
        assertEquals(
                InsecureNtsFixture.CLIENT_TRANSMIT, NtpHeader.transmitTimestamp(req.packet(), 0));
    }

    @Test
    void tamperedReplyFailsItsAuthenticator() {
        NtsClientRequest req = f.request(0);
        byte[] reply = reply(req);
        reply[NtpHeader.OFFSET_RECEIVE_TIMESTAMP] ^= 1;
        assertEquals(new Result.Rejected(Reason.BAD_AUTHENTICATOR), verify(reply, req));
    }

    @Test
    void replyToAnotherRequestIsRejected() {
        NtsClientRequest req = f.request(0);
        NtsClientRequest other = f.request(0);
        assertEquals(
                new Result.Rejected(Reason.UNIQUE_IDENTIFIER_MISMATCH),
                verify(
                        reply(req),
                        new NtsClientRequest(
                                other.packet(),
                                other.uniqueIdentifier(),
                                req.transmitTimestamp(),
                                0)));
        assertEquals(
                new Result.Rejected(Reason.ORIGIN_MISMATCH),
                verify(
                        reply(req),
                        new NtsClientRequest(req.packet(), req.uniqueIdentifier(), 42, 0)));
        assertEquals(new Result.Rejected(Reason.NOT_A_SERVER_REPLY), verify(req.packet(), req));
    }

    @Test
    void nakCountsOnlyWhenItEchoesTheIdentifier() {
        InsecureNtsFixture foreign = new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 22);
        NtsClientRequest req = foreign.request(1);
        byte[] nak = reply(req);
        assertInstanceOf(
                Result.Nak.class, NtsClientResponse.verify(nak, 0, nak.length, req, foreign.keys));
        NtsClientRequest other = foreign.request(1);
        assertEquals(
                new Result.Rejected(Reason.UNIQUE_IDENTIFIER_MISMATCH),
                NtsClientResponse.verify(
                        nak,
                        0,
                        nak.length,
                        new NtsClientRequest(
                                other.packet(),
                                other.uniqueIdentifier(),
                                req.transmitTimestamp(),
                                1),
                        foreign.keys));
    }

    @Test
    void replyWithoutAuthenticatorIsRejected() {
        NtsClientRequest req = f.request(0);
        byte[] reply = reply(req);
        byte[] cut = Arrays.copyOf(reply, NtpHeader.LENGTH + 36);
        assertEquals(new Result.Rejected(Reason.AUTHENTICATOR_MISSING), verify(cut, req));
    }
}
