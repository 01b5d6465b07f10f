package dev.ntsfarm.core.ntp;

import dev.ntsfarm.core.ntp.ServerDecision.Authentication;
import dev.ntsfarm.core.ntp.ServerDecision.Drop;

/**
 * Answers an unauthenticated or symmetric-key client request (RFC 5905 section 9.2): pure, no
 * allocation, the reply never longer than the request. Extension fields other than NTS ones are
 * ignored; NTS requests go to the NTS responder, which calls this for everything else.
 */
public final class PlainNtpResponder {

    /** The one plain reply decision: always 48 bytes, so one instance serves. */
    private static final ServerDecision.Respond PLAIN =
            new ServerDecision.Respond(NtpHeader.LENGTH, Authentication.NONE);

    private PlainNtpResponder() {}

    /**
     * Decides on the request {@code req[off, off+len)} and writes any reply at {@code out[0]}.
     *
     * <p>The request must already have framed (see {@link ExtensionFieldCursor}); {@link #handle}
     * frames it first.
     *
     * @param macOffset where the MAC trailer starts in {@code req}, or -1 when there is none
     * @param out at least {@code len} bytes; must not overlap the request
     */
    public static ServerDecision respond(
            byte[] req,
            int off,
            int len,
            ReplyTimestamps times,
            ServerState state,
            SymmetricKeys keys,
            int macOffset,
            byte[] out) {
        if (out.length < Math.min(len, NtpHeader.LENGTH + ExtensionField.MAX_MAC_LENGTH)) {
            throw new IllegalArgumentException(
                    "output buffer of " + out.length + " bytes (expected: at least " + len + ")");
        }
        if (NtpHeader.mode(req, off) != NtpMode.CLIENT) {
            return Drop.of(DropReason.NOT_A_CLIENT_REQUEST);
        }
        if (macOffset < 0) {
            state.writeReplyHeader(req, off, times.origin(req, off), times.receive(), out, 0);
            NtpTimestamp.writeBits(times.transmit(), out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
            return PLAIN;
        }
        long keyId = Bytes.u32(req, macOffset);
        int digestOffset = macOffset + ExtensionField.MAC_KEY_ID_LENGTH;
        int digestLength = off + len - digestOffset;
        if (digestLength == 0
                || !keys.verify(
                        keyId, req, off, macOffset - off, req, digestOffset, digestLength)) {
            return Drop.of(DropReason.BAD_MAC);
        }
        state.writeReplyHeader(req, off, times.origin(req, off), times.receive(), out, 0);
        NtpTimestamp.writeBits(times.sealedTransmit(), out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
        Bytes.putU32(out, NtpHeader.LENGTH, keyId);
        // RFC 7822 section 7.5: an NTPv4 MAC stays within 20 bytes of digest; never longer than the
        // request's
        int maxDigest =
                NtpHeader.version(req, off) == NtpHeader.VERSION_4
                        ? ExtensionField.MAX_V4_MAC_LENGTH - ExtensionField.MAC_KEY_ID_LENGTH
                        : ExtensionField.MAX_MAC_LENGTH - ExtensionField.MAC_KEY_ID_LENGTH;
        maxDigest = Math.min(maxDigest, len - NtpHeader.LENGTH - ExtensionField.MAC_KEY_ID_LENGTH);
        int signed =
                keys.sign(
                        keyId,
                        out,
                        0,
                        NtpHeader.LENGTH,
                        out,
                        NtpHeader.LENGTH + ExtensionField.MAC_KEY_ID_LENGTH,
                        maxDigest);
        if (signed <= 0 || signed > maxDigest) {
            return Drop.of(DropReason.MAC_NOT_SIGNED);
        }
        return new ServerDecision.Respond(
                NtpHeader.LENGTH + ExtensionField.MAC_KEY_ID_LENGTH + signed,
                Authentication.SYMMETRIC_KEY);
    }

    /** Frames the request itself and answers it; NTS fields are treated as unknown ones here. */
    public static ServerDecision handle(
            byte[] req,
            int off,
            int len,
            long receiveTimeNtp,
            ServerState state,
            SymmetricKeys keys,
            NtpClock clock,
            byte[] out) {
        ExtensionFieldCursor cursor = new ExtensionFieldCursor();
        if (cursor.reset(req, off, len) == ExtensionFieldCursor.Step.MALFORMED) {
            return Drop.of(DropReason.MALFORMED);
        }
        int macOffset = -1;
        while (true) {
            switch (cursor.next()) {
                case FIELD -> {
                    continue;
                }
                case MAC -> macOffset = cursor.fieldOffset();
                case MALFORMED -> {
                    return Drop.of(DropReason.MALFORMED);
                }
                case END -> {}
            }
            break;
        }
        return respond(
                req,
                off,
                len,
                new ReplyTimestamps(clock).basic(receiveTimeNtp),
                state,
                keys,
                macOffset,
                out);
    }
}
