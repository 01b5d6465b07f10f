package dev.ntsfarm.core.nts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ntp.ServerDecision;
import org.junit.jupiter.api.Test;

class NtsScratchTest {

    @Test
    void repliesOfOneLengthShareTheirDecision() {
        InsecureNtsFixture f = new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 3);
        ServerDecision first = f.handle(f.request(0).packet());
        ServerDecision second = f.handle(f.request(0).packet());
        ServerDecision.Respond r = assertInstanceOf(ServerDecision.Respond.class, first);
        assertEquals(ServerDecision.Authentication.NTS, r.authentication());
        assertSame(first, second, "a second reply of the same length allocated its decision");
        assertNotSame(
                first,
                f.handle(f.request(1).packet()),
                "a longer reply got a shorter one's decision");
    }

    @Test
    void repliesBeyondTheSharedLengthsStillSayTheirLength() {
        NtsScratch scratch = new NtsScratch((buf, off, len) -> {}, 0);
        int length = NtsScratch.MAX_SHARED_REPLY_LENGTH + 4;
        assertEquals(
                new ServerDecision.Respond(length, ServerDecision.Authentication.NTS),
                scratch.ntsReply(length));
        assertEquals(
                new ServerDecision.Respond(48, ServerDecision.Authentication.NTS),
                scratch.ntsReply(48));
    }
}
