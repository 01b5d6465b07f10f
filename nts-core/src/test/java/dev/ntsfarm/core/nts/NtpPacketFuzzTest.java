package dev.ntsfarm.core.nts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ntp.ExtensionFieldFramer;
import dev.ntsfarm.core.ntp.ExtensionFieldFramer.Framing;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.MacTrailer;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.RawExtensionField;
import dev.ntsfarm.core.ntp.ServerDecision;

class NtpPacketFuzzTest {

    private static final InsecureNtsFixture FIXTURE =
            new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 77);
    private static final byte[] VALID = FIXTURE.request(3).packet();

    /**
     * Framing never throws and accounts for every byte; decoding never throws; the responder never
     * throws, never answers longer than the request, and answers only as a mode 4 reply to the
     * request's transmit timestamp.
     */
    @FuzzTest(maxDuration = "20s")
    void packetParsingSound(FuzzedDataProvider data) {
        byte[] req;
        if (data.consumeBoolean()) {
            // start from a valid NTS request and let the fuzzer overwrite parts of it
            req = VALID.clone();
            int edits = data.consumeInt(0, 8);
            for (int i = 0; i < edits; i++) {
                req[data.consumeInt(0, req.length - 1)] = data.consumeByte();
            }
            req = java.util.Arrays.copyOf(req, data.consumeInt(0, req.length));
        } else {
            req = data.consumeRemainingAsBytes();
        }

        Framing framing = ExtensionFieldFramer.frame(req, 0, req.length);
        if (framing instanceof Framing.Framed framed) {
            int total = NtpHeader.LENGTH;
            for (RawExtensionField field : framed.fields()) {
                assertTrue(field.length() >= 16 && field.length() % 4 == 0);
                NtsField.decode(field);
                total += field.length();
            }
            total += framed.mac().map(MacTrailer::length).orElse(0);
            assertEquals(req.length, total);
        }

        byte[] out = new byte[req.length];
        ServerDecision d = FIXTURE.handle(req, req.length, out);
        int length =
                switch (d) {
                    case ServerDecision.Respond r -> r.length();
                    case ServerDecision.Nak n -> {
                        assertEquals(KissCode.NTSN.referenceId(), NtpHeader.referenceId(out, 0));
                        yield n.length();
                    }
                    case ServerDecision.Drop ignored -> 0;
                };
        assertTrue(length <= req.length);
        if (length > 0) {
            assertEquals(NtpMode.SERVER, NtpHeader.mode(out, 0));
            assertEquals(NtpHeader.transmitTimestamp(req, 0), NtpHeader.originTimestamp(out, 0));
        }
    }
}
