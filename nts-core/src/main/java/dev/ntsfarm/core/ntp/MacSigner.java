package dev.ntsfarm.core.ntp;

/** Makes a symmetric-key MAC (RFC 5905 section 7.3); implemented by the key file. */
@FunctionalInterface
public interface MacSigner {

    /** Knows no key. */
    MacSigner NONE = (keyId, data, off, len, out, outOff, maxLength) -> -1;

    /**
     * Writes the digest of {@code data[off, off+len)} under key {@code keyId} at {@code
     * out[outOff]}, truncated to {@code maxLength} bytes; returns the digest length, or -1 when the
     * key is unknown.
     */
    int sign(long keyId, byte[] data, int off, int len, byte[] out, int outOff, int maxLength);
}
