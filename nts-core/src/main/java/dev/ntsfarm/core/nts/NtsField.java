package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.ntp.RawExtensionField;

/**
 * The decoding step after framing: an extension field read as one of the NTS fields (RFC 8915
 * section 5), kept raw when its type is not one of them, or invalid with a reason. Slices point
 * into the packet's array; nothing is copied.
 */
public sealed interface NtsField {

    /** 0x0104; {@code length} is the body length (padding included, as sent). */
    record UniqueIdentifier(byte[] buf, int offset, int length) implements NtsField {}

    /** 0x0204; the cookie is opaque to everyone but the server that made it. */
    record Cookie(byte[] buf, int offset, int length) implements NtsField {}

    /** 0x0304; only the body length matters: it asks for one more cookie of that length. */
    record CookiePlaceholder(int length) implements NtsField {}

    /** 0x0404: where the nonce and the ciphertext are, unpadded lengths. */
    record Authenticator(
            byte[] buf,
            int nonceOffset,
            int nonceLength,
            int ciphertextOffset,
            int ciphertextLength)
            implements NtsField {}

    /** Any other type, kept as it was framed. */
    record Unknown(RawExtensionField field) implements NtsField {}

    /** An NTS type whose body breaks its rules. */
    record Invalid(int type, Reason reason) implements NtsField {}

    enum Reason {
        /** A unique identifier shorter than 32 bytes (RFC 8915 section 5.3). */
        UNIQUE_IDENTIFIER_TOO_SHORT,
        /**
         * Nonce or ciphertext lengths that do not fit the field, or no tag's worth of ciphertext.
         */
        AUTHENTICATOR_LENGTHS,
        /** The nonce and its padding cover fewer bytes than RFC 8915 section 5.6 asks. */
        AUTHENTICATOR_PADDING
    }

    /** Decodes one framed field; an authenticator is checked for its lengths only. */
    static NtsField decode(RawExtensionField field) {
        byte[] buf = field.buf();
        int body = field.bodyOffset();
        int bodyLength = field.bodyLength();
        return switch (field.type()) {
            case NtsFieldType.UNIQUE_IDENTIFIER ->
                    bodyLength < NtsFieldType.MIN_UNIQUE_IDENTIFIER_LENGTH
                            ? new Invalid(field.type(), Reason.UNIQUE_IDENTIFIER_TOO_SHORT)
                            : new UniqueIdentifier(buf, body, bodyLength);
            case NtsFieldType.NTS_COOKIE -> new Cookie(buf, body, bodyLength);
            case NtsFieldType.COOKIE_PLACEHOLDER -> new CookiePlaceholder(bodyLength);
            case NtsFieldType.AUTHENTICATOR -> {
                // the padding rule depends on the AEAD, checked where the keys are known
                Reason why = AuthenticatorField.check(buf, body, bodyLength, 0);
                yield why != null
                        ? new Invalid(field.type(), why)
                        : new Authenticator(
                                buf,
                                AuthenticatorField.nonceOffset(body),
                                AuthenticatorField.nonceLength(buf, body),
                                AuthenticatorField.ciphertextOffset(buf, body),
                                AuthenticatorField.ciphertextLength(buf, body));
            }
            default -> new Unknown(field);
        };
    }
}
