package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldWriter;
import java.util.Objects;

/**
 * The NTS Authenticator and Encrypted Extension Fields field (RFC 8915 section 5.6): nonce length
 * (u16), ciphertext length (u16), nonce, ciphertext, each zero-padded to 4, then additional
 * padding. The associated data is the packet from its first byte up to this field. Static and
 * allocation-free.
 */
public final class AuthenticatorField {

    private AuthenticatorField() {}

    public static int nonceLength(byte[] buf, int body) {
        return Bytes.u16(buf, body);
    }

    public static int ciphertextLength(byte[] buf, int body) {
        return Bytes.u16(buf, body + 2);
    }

    public static int nonceOffset(int body) {
        return body + NtsFieldType.AUTHENTICATOR_HEADER_LENGTH;
    }

    public static int ciphertextOffset(byte[] buf, int body) {
        return nonceOffset(body) + Bytes.padded4(nonceLength(buf, body));
    }

    /**
     * Bytes the nonce and its padding must cover for {@code alg}: 16, or the AEAD's whole nonce
     * when it is shorter (12 for AES-128-GCM-SIV), RFC 8915 section 5.6.
     */
    public static int requiredNonceArea(AeadAlgorithm alg) {
        return Math.min(NtsFieldType.MIN_PADDED_NONCE_LENGTH, alg.nonceLength());
    }

    /**
     * Checks the lengths of a body at {@code buf[body, body+bodyLength)}: null when they hold, else
     * why not. {@code minNonceArea} is {@link #requiredNonceArea} once the AEAD is known, 0 before.
     */
    public static NtsField.Reason check(byte[] buf, int body, int bodyLength, int minNonceArea) {
        if (bodyLength < NtsFieldType.AUTHENTICATOR_HEADER_LENGTH) {
            return NtsField.Reason.AUTHENTICATOR_LENGTHS;
        }
        int nonceLength = nonceLength(buf, body);
        int ciphertextLength = ciphertextLength(buf, body);
        int room = bodyLength - NtsFieldType.AUTHENTICATOR_HEADER_LENGTH;
        if (nonceLength < 1
                || ciphertextLength < AeadAlgorithm.TAG_LENGTH
                || Bytes.padded4(nonceLength) + Bytes.padded4(ciphertextLength) > room) {
            return NtsField.Reason.AUTHENTICATOR_LENGTHS;
        }
        if (minNonceArea + Bytes.padded4(ciphertextLength) > room) {
            return NtsField.Reason.AUTHENTICATOR_PADDING;
        }
        return null;
    }

    /**
     * Whole-field length of an authenticator sealing {@code plaintextLength} bytes with a nonce of
     * {@code nonceLength}.
     */
    public static int fieldLength(
            AeadAlgorithm alg, int nonceLength, int plaintextLength, int minFieldLength) {
        int body =
                NtsFieldType.AUTHENTICATOR_HEADER_LENGTH
                        + Math.max(
                                Bytes.padded4(nonceLength), Bytes.padded4(requiredNonceArea(alg)))
                        + Bytes.padded4(plaintextLength + AeadAlgorithm.TAG_LENGTH);
        return ExtensionField.fieldLength(body, minFieldLength);
    }

    /**
     * Writes the field at {@code out[off]}, sealing {@code plaintext} under {@code aead} with the
     * packet {@code out[packetOff, off)} as associated data; returns the field's length. The
     * plaintext must not lie in {@code out} where the field goes.
     */
    public static int write(
            byte[] out,
            int packetOff,
            int off,
            Aead aead,
            byte[] nonce,
            int nonceOff,
            int nonceLength,
            byte[] plaintext,
            int ptOff,
            int ptLen,
            int minFieldLength) {
        int length = fieldLength(aead.algorithm(), nonceLength, ptLen, minFieldLength);
        Objects.checkFromIndexSize(off, length, out.length);
        int body = off + ExtensionField.HEADER_LENGTH;
        int ciphertextLength = ptLen + AeadAlgorithm.TAG_LENGTH;
        Bytes.zero(out, body, length - ExtensionField.HEADER_LENGTH);
        ExtensionFieldWriter.writeHeader(out, off, NtsFieldType.AUTHENTICATOR, length);
        Bytes.putU16(out, body, nonceLength);
        Bytes.putU16(out, body + 2, ciphertextLength);
        System.arraycopy(nonce, nonceOff, out, nonceOffset(body), nonceLength);
        aead.seal(
                nonce,
                nonceOff,
                nonceLength,
                out,
                packetOff,
                off - packetOff,
                plaintext,
                ptOff,
                ptLen,
                out,
                ciphertextOffset(out, body));
        return length;
    }

    /**
     * Opens the field whose body is {@code buf[body, body+bodyLength)} of the packet starting at
     * {@code packetOff}, writing the plaintext to {@code out[outOff]}. Returns the plaintext
     * length, or -1 when the lengths break the rules for the AEAD or the field does not
     * authenticate.
     */
    public static int open(
            byte[] buf,
            int packetOff,
            int fieldOff,
            int body,
            int bodyLength,
            Aead aead,
            byte[] out,
            int outOff) {
        if (check(buf, body, bodyLength, requiredNonceArea(aead.algorithm())) != null) {
            return -1;
        }
        int ciphertextLength = ciphertextLength(buf, body);
        if (outOff < 0 || ciphertextLength - AeadAlgorithm.TAG_LENGTH > out.length - outOff) {
            return -1;
        }
        return aead.open(
                buf,
                nonceOffset(body),
                nonceLength(buf, body),
                buf,
                packetOff,
                fieldOff - packetOff,
                buf,
                ciphertextOffset(buf, body),
                ciphertextLength,
                out,
                outOff);
    }
}
