package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldWriter;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import java.util.Arrays;
import java.util.Objects;

/**
 * An NTS-protected client request (RFC 8915 section 5.7): mode 3 header, a fresh Unique Identifier,
 * one cookie, N placeholders of the cookie's length, and an authenticator sealed with C2S under a
 * fresh nonce. Keeps what the response must be checked against.
 *
 * @param packet the bytes to send
 * @param uniqueIdentifier the identifier the reply must echo
 * @param transmitTimestamp the transmit timestamp the reply must carry as its origin
 * @param placeholders how many placeholders were sent
 */
public record NtsClientRequest(
        byte[] packet, byte[] uniqueIdentifier, long transmitTimestamp, int placeholders) {

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "NtsClientRequest[length=" + packet.length + ", placeholders=" + placeholders + "]";
    }

    /** Builds one request; every part but the placeholders and poll must be given. */
    public static final class Builder {
        private byte[] cookie;
        private int placeholders;
        private SessionKeys keys;
        private NonceSource random;
        private long transmitTimestamp;
        private long originTimestamp;
        private long receiveTimestamp;
        private int poll;

        private Builder() {}

        public Builder cookie(byte[] cookie) {
            this.cookie = cookie.clone();
            return this;
        }

        /** Placeholders to ask for more cookies, 0 to 7. */
        public Builder placeholders(int placeholders) {
            if (placeholders < 0 || placeholders > NtsFieldType.MAX_PLACEHOLDERS) {
                throw new IllegalArgumentException(
                        "placeholders "
                                + placeholders
                                + " (expected: 0.."
                                + NtsFieldType.MAX_PLACEHOLDERS
                                + ")");
            }
            this.placeholders = placeholders;
            return this;
        }

        public Builder keys(SessionKeys keys) {
            this.keys = keys;
            return this;
        }

        /** Source of the identifier and of the nonce. */
        public Builder random(NonceSource random) {
            this.random = random;
            return this;
        }

        /**
         * The transmit timestamp bits (any unpredictable value works; RFC 9109 suggests random).
         */
        public Builder transmitTimestamp(long bits) {
            this.transmitTimestamp = bits;
            return this;
        }

        /**
         * An interleaved request (RFC 5905 interleaved basic mode, chrony's {@code xleave}): the
         * server's receive timestamp of its last reply as the origin, and our arrival time of that
         * reply as the receive timestamp. A server that holds the reply's transmit time answers
         * interleaved (origin = this receive timestamp), any other in basic mode.
         */
        public Builder interleaved(long serverReceiveTimestamp, long localReceiveTimestamp) {
            this.originTimestamp = serverReceiveTimestamp;
            this.receiveTimestamp = localReceiveTimestamp;
            return this;
        }

        public Builder poll(int poll) {
            this.poll = poll;
            return this;
        }

        public NtsClientRequest build() {
            Objects.requireNonNull(cookie, "cookie");
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(random, "random");
            AeadAlgorithm alg = Objects.requireNonNull(keys.algorithm(), "keys.algorithm()");
            byte[] uid = new byte[NtsFieldType.UNIQUE_IDENTIFIER_LENGTH];
            random.nextBytes(uid, 0, uid.length);
            byte[] nonce = new byte[alg.nonceLength()];
            random.nextBytes(nonce, 0, nonce.length);

            int uidField = ExtensionField.fieldLength(uid.length, 0);
            int cookieField = ExtensionField.fieldLength(cookie.length, 0);
            int authField =
                    AuthenticatorField.fieldLength(
                            alg, nonce.length, 0, ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
            int length = NtpHeader.LENGTH + uidField + (1 + placeholders) * cookieField + authField;
            byte[] p = new byte[length];
            new NtpHeader(
                            LeapIndicator.NO_WARNING,
                            NtpHeader.VERSION_4,
                            NtpMode.CLIENT,
                            0,
                            poll,
                            0,
                            dev.ntsfarm.core.ntp.NtpShort.ZERO,
                            dev.ntsfarm.core.ntp.NtpShort.ZERO,
                            0,
                            NtpTimestamp.ZERO,
                            new NtpTimestamp(originTimestamp),
                            new NtpTimestamp(receiveTimestamp),
                            new NtpTimestamp(transmitTimestamp))
                    .write(p, 0);
            int off = NtpHeader.LENGTH;
            off +=
                    ExtensionFieldWriter.write(
                            p, off, NtsFieldType.UNIQUE_IDENTIFIER, uid, 0, uid.length, 0);
            off +=
                    ExtensionFieldWriter.write(
                            p, off, NtsFieldType.NTS_COOKIE, cookie, 0, cookie.length, 0);
            for (int i = 0; i < placeholders; i++) {
                off +=
                        ExtensionFieldWriter.writeZeroed(
                                p, off, NtsFieldType.COOKIE_PLACEHOLDER, cookie.length, 0);
            }
            Aead c2s = Aead.of(alg, keys.c2s());
            off +=
                    AuthenticatorField.write(
                            p,
                            0,
                            off,
                            c2s,
                            nonce,
                            0,
                            nonce.length,
                            new byte[0],
                            0,
                            0,
                            ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
            return new NtsClientRequest(
                    Arrays.copyOf(p, off), uid, transmitTimestamp, placeholders);
        }
    }
}
