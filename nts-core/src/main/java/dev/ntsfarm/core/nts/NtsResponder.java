package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.DropReason;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldCursor;
import dev.ntsfarm.core.ntp.ExtensionFieldWriter;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.NakReason;
import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.PlainNtpResponder;
import dev.ntsfarm.core.ntp.ReplyTimestamps;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.ServerDecision.Drop;
import dev.ntsfarm.core.ntp.ServerState;
import dev.ntsfarm.core.ntp.SymmetricKeys;

/**
 * The responder's one entry point: a pure decision over one request (RFC 8915 section 5.7 for NTS,
 * RFC 5905 for the rest), the reply written into the caller's buffer.
 *
 * <p>NTS rules: client mode only; one Unique Identifier of at least 32 bytes; exactly one cookie;
 * at most 7 placeholders as long as the cookie; the authenticator last, verified with C2S over
 * everything before it. A cookie that will not open earns an NTS NAK; every other failure is
 * dropped quietly. The reply echoes the identifier outside the encrypted part and carries 1 +
 * placeholders fresh cookies inside it, made before the transmit timestamp is read; it is never
 * longer than the request (a cookie is left out rather than exceed it).
 */
public final class NtsResponder {

    private NtsResponder() {}

    /**
     * Decides on the request {@code req[off, off+len)}, received at {@code receiveTimeNtp}, and
     * writes any reply at {@code out[0]}.
     *
     * @param out at least {@code len} bytes, not overlapping the request
     */
    public static ServerDecision handle(
            byte[] req,
            int off,
            int len,
            long receiveTimeNtp,
            ServerState state,
            CookieCodec codec,
            NtsScratch scratch,
            SymmetricKeys symmetricKeys,
            NtpClock clock,
            byte[] out) {
        return handle(
                req,
                off,
                len,
                new ReplyTimestamps(clock).basic(receiveTimeNtp),
                state,
                codec,
                scratch,
                symmetricKeys,
                out);
    }

    /**
     * Decides on the request {@code req[off, off+len)} and writes any reply at {@code out[0]}, with
     * the reply's timestamps as {@code times} says (basic or interleaved mode).
     *
     * @param out at least {@code len} bytes, not overlapping the request
     */
    public static ServerDecision handle(
            byte[] req,
            int off,
            int len,
            ReplyTimestamps times,
            ServerState state,
            CookieCodec codec,
            NtsScratch scratch,
            SymmetricKeys symmetricKeys,
            byte[] out) {
        if (out.length < len) {
            throw new IllegalArgumentException(
                    "output buffer of " + out.length + " bytes (expected: at least " + len + ")");
        }
        scratch.lastS2c = null;
        ExtensionFieldCursor cursor = scratch.cursor;
        if (cursor.reset(req, off, len) == ExtensionFieldCursor.Step.MALFORMED) {
            return Drop.of(DropReason.MALFORMED);
        }
        if (NtpHeader.mode(req, off) != NtpMode.CLIENT) {
            return Drop.of(DropReason.NOT_A_CLIENT_REQUEST);
        }

        int uidOffset = -1;
        int uidFieldLength = 0;
        int uids = 0;
        int cookieOffset = -1;
        int cookieBodyLength = 0;
        int cookies = 0;
        int placeholders = 0;
        int placeholderLength = -1;
        boolean placeholderMismatch = false;
        int authOffset = -1;
        int authBodyLength = 0;
        boolean authNotLast = false;
        boolean nts = false;
        int macOffset = -1;

        scan:
        while (true) {
            switch (cursor.next()) {
                case FIELD -> {
                    if (authOffset >= 0) {
                        authNotLast =
                                true; // RFC 8915 section 5.6: nothing after it is authenticated
                    }
                    switch (cursor.type()) {
                        case NtsFieldType.UNIQUE_IDENTIFIER -> {
                            nts = true;
                            uids++;
                            uidOffset = cursor.fieldOffset();
                            uidFieldLength = cursor.fieldLength();
                        }
                        case NtsFieldType.NTS_COOKIE -> {
                            nts = true;
                            cookies++;
                            cookieOffset = cursor.bodyOffset();
                            cookieBodyLength = cursor.bodyLength();
                        }
                        case NtsFieldType.COOKIE_PLACEHOLDER -> {
                            nts = true;
                            placeholders++;
                            if (placeholderLength >= 0
                                    && placeholderLength != cursor.bodyLength()) {
                                placeholderMismatch = true;
                            }
                            placeholderLength = cursor.bodyLength();
                        }
                        case NtsFieldType.AUTHENTICATOR -> {
                            nts = true;
                            if (authOffset >= 0) {
                                authNotLast = true;
                            }
                            authOffset = cursor.fieldOffset();
                            authBodyLength = cursor.bodyLength();
                        }
                        default -> {
                            // RFC 7822: unknown fields are ignored
                        }
                    }
                }
                case MAC -> {
                    macOffset = cursor.fieldOffset();
                    break scan;
                }
                case END -> {
                    break scan;
                }
                case MALFORMED -> {
                    return Drop.of(DropReason.MALFORMED);
                }
            }
        }

        if (!nts) {
            return PlainNtpResponder.respond(
                    req, off, len, times, state, symmetricKeys, macOffset, out);
        }
        if (macOffset >= 0) {
            return Drop.of(DropReason.NTS_WITH_MAC);
        }
        if (uids == 0) {
            return Drop.of(DropReason.NO_UNIQUE_IDENTIFIER);
        }
        if (uids > 1) {
            return Drop.of(DropReason.MORE_THAN_ONE_UNIQUE_IDENTIFIER);
        }
        if (uidFieldLength - ExtensionField.HEADER_LENGTH
                < NtsFieldType.MIN_UNIQUE_IDENTIFIER_LENGTH) {
            return Drop.of(DropReason.UNIQUE_IDENTIFIER_TOO_SHORT);
        }
        if (cookies == 0) {
            return Drop.of(DropReason.NO_COOKIE);
        }
        if (cookies > 1) {
            return Drop.of(DropReason.MORE_THAN_ONE_COOKIE);
        }
        if (placeholderMismatch || (placeholders > 0 && placeholderLength != cookieBodyLength)) {
            return Drop.of(DropReason.PLACEHOLDER_LENGTH_MISMATCH);
        }
        if (placeholders > NtsFieldType.MAX_PLACEHOLDERS) {
            return Drop.of(DropReason.TOO_MANY_PLACEHOLDERS);
        }
        if (authOffset < 0) {
            return Drop.of(DropReason.AUTHENTICATOR_MISSING);
        }
        if (authNotLast) {
            return Drop.of(DropReason.AUTHENTICATOR_NOT_LAST);
        }
        int authBody = authOffset + ExtensionField.HEADER_LENGTH;
        if (AuthenticatorField.check(req, authBody, authBodyLength, 0) != null) {
            return Drop.of(DropReason.AUTHENTICATOR_MALFORMED);
        }

        if (!openCookie(codec, req, cookieOffset, cookieBodyLength, scratch)) {
            return nak(
                    req,
                    off,
                    times,
                    state,
                    uidOffset,
                    uidFieldLength,
                    out,
                    NakReason.COOKIE_NOT_OPENED);
        }
        AeadAlgorithm alg = scratch.keys.algorithm();
        if (AuthenticatorField.check(
                        req, authBody, authBodyLength, AuthenticatorField.requiredNonceArea(alg))
                != null) {
            return Drop.of(DropReason.AUTHENTICATOR_MALFORMED);
        }
        // the request's plaintext goes to out, which the reply overwrites afterwards
        Aead aead = scratch.aead(alg, scratch.keys.c2s());
        int plaintextLength =
                AuthenticatorField.open(
                        req, off, authOffset, authBody, authBodyLength, aead, out, 0);
        if (plaintextLength < 0) {
            // RFC 8915 section 5.7, as chrony does: a request that does not authenticate earns a
            // NAK too
            return nak(
                    req,
                    off,
                    times,
                    state,
                    uidOffset,
                    uidFieldLength,
                    out,
                    NakReason.AUTHENTICATOR_FAILED);
        }
        // RFC 8915 section 5.7: placeholders may also travel encrypted
        ExtensionFieldCursor inner = scratch.plaintextCursor;
        inner.resetFields(out, 0, plaintextLength);
        inner:
        while (true) {
            switch (inner.next()) {
                case FIELD -> {
                    if (inner.type() == NtsFieldType.COOKIE_PLACEHOLDER) {
                        if (inner.bodyLength() != cookieBodyLength) {
                            return Drop.of(DropReason.PLACEHOLDER_LENGTH_MISMATCH);
                        }
                        placeholders++;
                    }
                }
                case END, MAC -> {
                    break inner;
                }
                case MALFORMED -> {
                    return Drop.of(DropReason.ENCRYPTED_FIELDS_MALFORMED);
                }
            }
        }
        if (placeholders > NtsFieldType.MAX_PLACEHOLDERS) {
            return Drop.of(DropReason.TOO_MANY_PLACEHOLDERS);
        }

        // size the reply: as many cookies as asked for that still keep it no longer than the
        // request
        int nonceLength = alg.nonceLength();
        int cookieFieldLength = ExtensionField.fieldLength(CookieCodec.cookieLength(alg), 0);
        int head = NtpHeader.LENGTH + uidFieldLength;
        int count = placeholders + 1;
        while (count > 0
                && head
                                + AuthenticatorField.fieldLength(
                                        alg,
                                        nonceLength,
                                        count * cookieFieldLength,
                                        ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC)
                        > len) {
            count--;
        }
        int replyLength =
                head
                        + AuthenticatorField.fieldLength(
                                alg,
                                nonceLength,
                                count * cookieFieldLength,
                                ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
        if (replyLength > len) {
            return Drop.of(
                    DropReason
                            .MALFORMED); // cannot happen for a request that framed; kept as a guard
        }

        // fresh cookies first, so the transmit timestamp is as late as it can be (as chronyd does)
        byte[] plain = scratch.cookies;
        int p = 0;
        for (int i = 0; i < count; i++) {
            int sealed = codec.seal(scratch.keys, plain, p + ExtensionField.HEADER_LENGTH);
            int fieldLength = ExtensionField.fieldLength(sealed, 0);
            Bytes.zero(
                    plain,
                    p + ExtensionField.HEADER_LENGTH + sealed,
                    fieldLength - ExtensionField.HEADER_LENGTH - sealed);
            ExtensionFieldWriter.writeHeader(plain, p, NtsFieldType.NTS_COOKIE, fieldLength);
            p += fieldLength;
        }
        scratch.nonces.nextBytes(scratch.nonce, 0, nonceLength);

        // the reply's key bound before the transmit timestamp is read: after it, only the seal
        Aead s2c = scratch.aead(alg, scratch.keys.s2c());
        state.writeReplyHeader(req, off, times.origin(req, off), times.receive(), out, 0);
        System.arraycopy(req, uidOffset, out, NtpHeader.LENGTH, uidFieldLength);
        if (times.rehearsing()) {
            // a cold path: seal once under a provisional transmit timestamp (never sent), so the
            // seal after the real one's read runs from warm caches (both AEADs are nonce-misuse
            // resistant)
            NtpTimestamp.writeBits(times.receive(), out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
            seal(out, head, s2c, scratch, nonceLength, plain, p);
        }
        NtpTimestamp.writeBits(times.sealedTransmit(), out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
        int authLength = seal(out, head, s2c, scratch, nonceLength, plain, p);
        scratch.lastSeal(s2c, head, nonceLength, p);
        return scratch.ntsReply(head + authLength);
    }

    /**
     * The NTS reply {@link #handle} wrote last into {@code out} sealed again under a transmit
     * timestamp read now ({@link ReplyTimestamps#readAgain}); false when the last request got no
     * NTS reply.
     */
    static boolean sealAgain(byte[] out, ReplyTimestamps times, NtsScratch scratch) {
        Aead s2c = scratch.lastS2c;
        if (s2c == null) {
            return false;
        }
        NtpTimestamp.writeBits(times.readAgain(), out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
        seal(
                out,
                scratch.lastHead,
                s2c,
                scratch,
                scratch.lastNonceLength,
                scratch.cookies,
                scratch.lastPlainLength);
        return true;
    }

    private static int seal(
            byte[] out,
            int head,
            Aead s2c,
            NtsScratch scratch,
            int nonceLength,
            byte[] plain,
            int plainLength) {
        return AuthenticatorField.write(
                out,
                0,
                head,
                s2c,
                scratch.nonce,
                0,
                nonceLength,
                plain,
                0,
                plainLength,
                ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
    }

    /**
     * RFC 8915 section 5.7: kiss-o'-death NTSN with the identifier echoed, no cookie, no
     * authenticator.
     */
    private static ServerDecision nak(
            byte[] req,
            int off,
            ReplyTimestamps times,
            ServerState state,
            int uidOffset,
            int uidFieldLength,
            byte[] out,
            NakReason reason) {
        state.writeKissHeader(KissCode.NTSN, req, off, times.receive(), out, 0);
        System.arraycopy(req, uidOffset, out, NtpHeader.LENGTH, uidFieldLength);
        NtpTimestamp.writeBits(times.basicTransmit(), out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
        return new ServerDecision.Nak(NtpHeader.LENGTH + uidFieldLength, reason);
    }

    /**
     * Opens the cookie; every cookie length is a whole number of words, so the body is the cookie.
     */
    static boolean openCookie(
            CookieCodec codec, byte[] buf, int off, int bodyLength, NtsScratch scratch) {
        return codec.open(buf, off, bodyLength, scratch.keys);
    }
}
