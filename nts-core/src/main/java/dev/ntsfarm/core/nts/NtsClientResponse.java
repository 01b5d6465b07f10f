package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldCursor;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client's check of a reply to an {@link NtsClientRequest} (RFC 8915 section 5.7): mode 4,
 * origin equal to the request's transmit timestamp, the identifier echoed, the authenticator last
 * and verified with S2C; the new cookies come only from the encrypted fields. An NTS NAK is
 * recognised only when it echoes the identifier, since nothing else about it is authenticated.
 */
public final class NtsClientResponse {

    private NtsClientResponse() {}

    /** The outcome of {@link #verify}. */
    public sealed interface Result {
        /**
         * Authentic; {@code cookies} are the new cookies, at most one more than the placeholders
         * sent.
         */
        record Verified(NtpHeader header, List<byte[]> cookies) implements Result {
            @Override
            public String toString() {
                return "Verified[" + header + ", cookies=" + cookies.size() + "]";
            }
        }

        /** The server could not open the cookie: get new ones from NTS-KE. */
        record Nak(NtpHeader header) implements Result {}

        /** Not a valid reply to this request; ignore it. */
        record Rejected(Reason reason) implements Result {}
    }

    public enum Reason {
        MALFORMED,
        NOT_A_SERVER_REPLY,
        /** The origin timestamp is not the request's transmit timestamp (RFC 5905 section 8). */
        ORIGIN_MISMATCH,
        NO_UNIQUE_IDENTIFIER,
        UNIQUE_IDENTIFIER_MISMATCH,
        AUTHENTICATOR_MISSING,
        AUTHENTICATOR_NOT_LAST,
        BAD_AUTHENTICATOR,
        ENCRYPTED_FIELDS_MALFORMED
    }

    public static Result verify(
            byte[] buf, int off, int len, NtsClientRequest request, SessionKeys keys) {
        ExtensionFieldCursor cursor = new ExtensionFieldCursor();
        if (cursor.reset(buf, off, len) == ExtensionFieldCursor.Step.MALFORMED) {
            return new Result.Rejected(Reason.MALFORMED);
        }
        if (NtpHeader.mode(buf, off) != NtpMode.SERVER) {
            return new Result.Rejected(Reason.NOT_A_SERVER_REPLY);
        }
        long origin = NtpHeader.originTimestamp(buf, off);
        long interleavedOrigin = NtpHeader.receiveTimestamp(request.packet(), 0);
        // an interleaved reply's origin is the request's receive timestamp (RFC 5905 interleaved
        // mode)
        if (origin != request.transmitTimestamp()
                && (interleavedOrigin == 0 || origin != interleavedOrigin)) {
            return new Result.Rejected(Reason.ORIGIN_MISMATCH);
        }
        NtpHeader header = ((NtpHeader.Read.Parsed) NtpHeader.read(buf, off, len)).header();
        boolean uidMatches = false;
        boolean uidSeen = false;
        int authOffset = -1;
        int authBodyLength = 0;
        boolean authNotLast = false;
        scan:
        while (true) {
            switch (cursor.next()) {
                case FIELD -> {
                    if (authOffset >= 0) {
                        authNotLast = true;
                    }
                    if (cursor.type() == NtsFieldType.UNIQUE_IDENTIFIER && authOffset < 0) {
                        uidSeen = true;
                        byte[] uid = request.uniqueIdentifier();
                        uidMatches |=
                                cursor.bodyLength() >= uid.length
                                        && Bytes.equal(
                                                buf, cursor.bodyOffset(), uid, 0, uid.length);
                    } else if (cursor.type() == NtsFieldType.AUTHENTICATOR) {
                        authOffset = cursor.fieldOffset();
                        authBodyLength = cursor.bodyLength();
                    }
                }
                case END -> {
                    break scan;
                }
                case MAC, MALFORMED -> {
                    return new Result.Rejected(Reason.MALFORMED);
                }
            }
        }
        if (!uidSeen) {
            return new Result.Rejected(Reason.NO_UNIQUE_IDENTIFIER);
        }
        if (!uidMatches) {
            return new Result.Rejected(Reason.UNIQUE_IDENTIFIER_MISMATCH);
        }
        if (header.kissCode() == KissCode.NTSN) {
            return new Result.Nak(header);
        }
        if (authOffset < 0) {
            return new Result.Rejected(Reason.AUTHENTICATOR_MISSING);
        }
        if (authNotLast) {
            return new Result.Rejected(Reason.AUTHENTICATOR_NOT_LAST);
        }
        Aead s2c = Aead.of(keys.algorithm(), keys.s2c());
        byte[] plaintext = new byte[len];
        int authBody = authOffset + ExtensionField.HEADER_LENGTH;
        int n =
                AuthenticatorField.open(
                        buf, off, authOffset, authBody, authBodyLength, s2c, plaintext, 0);
        if (n < 0) {
            return new Result.Rejected(Reason.BAD_AUTHENTICATOR);
        }
        List<byte[]> cookies = new ArrayList<>();
        ExtensionFieldCursor inner = new ExtensionFieldCursor();
        inner.resetFields(plaintext, 0, n);
        inner:
        while (true) {
            switch (inner.next()) {
                case FIELD -> {
                    if (inner.type() == NtsFieldType.NTS_COOKIE
                            && cookies.size() < request.placeholders() + 1) {
                        cookies.add(
                                Arrays.copyOfRange(
                                        plaintext,
                                        inner.bodyOffset(),
                                        inner.bodyOffset() + inner.bodyLength()));
                    }
                }
                case END, MAC -> {
                    break inner;
                }
                case MALFORMED -> {
                    return new Result.Rejected(Reason.ENCRYPTED_FIELDS_MALFORMED);
                }
            }
        }
        return new Result.Verified(header, List.copyOf(cookies));
    }
}
