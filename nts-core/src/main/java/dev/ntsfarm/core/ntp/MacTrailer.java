package dev.ntsfarm.core.ntp;

/**
 * The symmetric-key MAC at the end of a packet (RFC 5905 section 7.3): key id (u32) and digest, a
 * view of the packet's bytes. A crypto-NAK is a key id of zero with no digest.
 */
public record MacTrailer(long keyId, byte[] buf, int offset, int digestLength) {

    /** Where the digest begins in {@code buf}. */
    public int digestOffset() {
        return offset + ExtensionField.MAC_KEY_ID_LENGTH;
    }

    /** Whole trailer length, key id included. */
    public int length() {
        return ExtensionField.MAC_KEY_ID_LENGTH + digestLength;
    }

    public boolean isCryptoNak() {
        return keyId == 0 && digestLength == 0;
    }

    @Override
    public String toString() {
        return "MacTrailer[keyId=" + keyId + ", digestLength=" + digestLength + "]";
    }
}
