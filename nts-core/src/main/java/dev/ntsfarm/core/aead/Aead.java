package dev.ntsfarm.core.aead;

/**
 * One AEAD algorithm bound to one key. Output of {@link #seal} is {@code tag || ciphertext}
 * ({@link AeadAlgorithm#TAG_LENGTH} bytes longer than the plaintext), as NTS puts it on the wire.
 *
 * <p>An instance is not thread-safe: each thread (event loop) uses its own. Methods work on array
 * slices so the hot path can run without allocating.
 */
public interface Aead {

    AeadAlgorithm algorithm();

    /**
     * Seals {@code plaintext} with associated data {@code ad} and {@code nonce}, writing
     * {@code tag || ciphertext} to {@code out} at {@code outOff}.
     *
     * @return the number of bytes written, {@code ptLen + TAG_LENGTH}
     */
    int seal(byte[] nonce, int nonceOff, int nonceLen,
             byte[] ad, int adOff, int adLen,
             byte[] plaintext, int ptOff, int ptLen,
             byte[] out, int outOff);

    /**
     * Opens {@code tag || ciphertext}, writing the plaintext to {@code out} at {@code outOff}.
     *
     * @return the plaintext length, or {@code -1} when the input does not authenticate (also when it
     *         is shorter than a tag); nothing else is reported, so no oracle leaks
     */
    int open(byte[] nonce, int nonceOff, int nonceLen,
             byte[] ad, int adOff, int adLen,
             byte[] sealed, int sealedOff, int sealedLen,
             byte[] out, int outOff);
}
