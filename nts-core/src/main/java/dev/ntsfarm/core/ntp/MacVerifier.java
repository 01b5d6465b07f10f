package dev.ntsfarm.core.ntp;

/** Checks a symmetric-key MAC (RFC 5905 section 7.3); implemented by the key file. */
@FunctionalInterface
public interface MacVerifier {

    /** Knows no key: every MAC fails. */
    MacVerifier NONE = (keyId, data, off, len, digest, digestOff, digestLen) -> false;

    /**
     * True when key {@code keyId} is known and {@code digest} is its MAC over {@code data[off,
     * off+len)}; compares in constant time and never throws on bad input.
     */
    boolean verify(
            long keyId, byte[] data, int off, int len, byte[] digest, int digestOff, int digestLen);
}
