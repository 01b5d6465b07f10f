package dev.ntsfarm.app.bench;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldWriter;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.nts.AuthenticatorField;
import dev.ntsfarm.core.nts.NtsFieldType;
import java.util.SplittableRandom;

/** Writes the next request of a run into the sender's buffer; one thread only. */
interface RequestSource {

    /**
     * Writes the request whose transmit timestamp is {@code transmit} at {@code out[0]}; returns
     * its length.
     */
    int write(long transmit, byte[] out);

    /** What the report says about the requests. */
    String describe();

    /** Plain NTPv4 mode 3, 48 bytes. */
    static RequestSource plain() {
        return new RequestSource() {
            @Override
            public int write(long transmit, byte[] out) {
                java.util.Arrays.fill(out, 0, NtpHeader.LENGTH, (byte) 0);
                out[0] = 0x23;
                NtpTimestamp.writeBits(transmit, out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
                return NtpHeader.LENGTH;
            }

            @Override
            public String describe() {
                return "plain NTPv4 mode 3, 48 bytes";
            }
        };
    }

    /**
     * NTS requests (RFC 8915 section 5.7) with no placeholder: a fresh Unique Identifier and nonce
     * each, the session's cookies used round-robin. RFC 8915 wants each cookie used once; servers
     * accept reuse (they keep no state), and a benchmark cannot afford an NTS-KE per eight
     * requests.
     */
    static RequestSource nts(NtsSession session) {
        return new NtsRequests(session);
    }

    /** The NTS request source: templates per cookie, re-sealed per request with one C2S AEAD. */
    final class NtsRequests implements RequestSource {
        private final NtsSession session;
        private final Aead c2s;
        private final byte[][] templates;
        private final int[] authOffsets;
        private final byte[] uid = new byte[NtsFieldType.UNIQUE_IDENTIFIER_LENGTH];
        private final byte[] nonce;
        private final SplittableRandom random =
                new SplittableRandom(new java.security.SecureRandom().nextLong());
        private int next;

        NtsRequests(NtsSession session) {
            this.session = session;
            this.c2s = Aead.of(session.aead(), session.c2s());
            this.nonce = new byte[session.aead().nonceLength()];
            this.templates = new byte[session.cookies().size()][];
            this.authOffsets = new int[templates.length];
            for (int i = 0; i < templates.length; i++) {
                byte[] cookie = session.cookies().get(i);
                int uidField = ExtensionField.fieldLength(uid.length, 0);
                int cookieField = ExtensionField.fieldLength(cookie.length, 0);
                int authField =
                        AuthenticatorField.fieldLength(
                                session.aead(),
                                nonce.length,
                                0,
                                ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
                byte[] t = new byte[NtpHeader.LENGTH + uidField + cookieField + authField];
                t[0] = 0x23;
                int off = NtpHeader.LENGTH;
                off +=
                        ExtensionFieldWriter.writeZeroed(
                                t, off, NtsFieldType.UNIQUE_IDENTIFIER, uid.length, 0);
                off +=
                        ExtensionFieldWriter.write(
                                t, off, NtsFieldType.NTS_COOKIE, cookie, 0, cookie.length, 0);
                templates[i] = t;
                authOffsets[i] = off;
            }
        }

        @Override
        public int write(long transmit, byte[] out) {
            int i = next;
            next = (next + 1) % templates.length;
            byte[] t = templates[i];
            int authOffset = authOffsets[i];
            System.arraycopy(t, 0, out, 0, authOffset);
            NtpTimestamp.writeBits(transmit, out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
            random.nextBytes(uid);
            System.arraycopy(
                    uid, 0, out, NtpHeader.LENGTH + ExtensionField.HEADER_LENGTH, uid.length);
            random.nextBytes(nonce);
            return authOffset
                    + AuthenticatorField.write(
                            out,
                            0,
                            authOffset,
                            c2s,
                            nonce,
                            0,
                            nonce.length,
                            out,
                            0,
                            0,
                            ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
        }

        @Override
        public String describe() {
            return "NTS, AEAD "
                    + session.aead()
                    + ", "
                    + templates.length
                    + " cookies reused round-robin (each cookie is single-use per RFC 8915; servers accept reuse)";
        }
    }
}
