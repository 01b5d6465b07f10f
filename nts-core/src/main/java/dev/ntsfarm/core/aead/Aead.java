package dev.ntsfarm.core.aead;

/**
 * One AEAD algorithm bound to one key. Output of {@link #seal} is the algorithm's own output, as
 * NTS puts it on the wire ({@link AeadAlgorithm#TAG_LENGTH} bytes longer than the plaintext):
 * {@code tag || ciphertext} for AES-SIV-CMAC (RFC 5297 section 2.6, V || C) and {@code ciphertext
 * || tag} for AES-GCM-SIV (RFC 8452 section 4, as nettle and so chrony send it).
 *
 * <p>An instance is not thread-safe: each thread (event loop) uses its own. Methods work on array
 * slices so the hot path can run without allocating. The output may be the plaintext's own array
 * only when the plaintext already sits where the ciphertext goes (in place); otherwise the output
 * must not overlap any input.
 */
public interface Aead {

    /**
     * A new instance of {@code alg} bound to a copy of {@code key}.
     *
     * @throws IllegalArgumentException when {@code key.length != alg.keyLength()}
     */
    static Aead of(AeadAlgorithm alg, byte[] key) {
        if (key.length != alg.keyLength()) {
            throw new IllegalArgumentException(
                    "key length "
                            + key.length
                            + " (expected: "
                            + alg.keyLength()
                            + " for "
                            + alg
                            + ")");
        }
        Aead aead =
                switch (alg) {
                    case AES_SIV_CMAC_256, AES_SIV_CMAC_384, AES_SIV_CMAC_512 -> new AesSiv(alg);
                    case AES_128_GCM_SIV -> new AesGcmSiv();
                };
        aead.init(key, 0);
        return aead;
    }

    /**
     * A new instance of {@code alg} for keys used once: re-keying it ({@link #init}) allocates
     * nothing, where the default instance's JDK ciphers allocate a key schedule per key but are
     * faster per block. AES-GCM-SIV derives a key per nonce and is always of this kind.
     */
    static Aead forSingleUse(AeadAlgorithm alg) {
        return switch (alg) {
            case AES_SIV_CMAC_256, AES_SIV_CMAC_384, AES_SIV_CMAC_512 -> new AesSiv(alg, true);
            case AES_128_GCM_SIV -> new AesGcmSiv();
        };
    }

    AeadAlgorithm algorithm();

    /**
     * Re-binds this instance to the {@code algorithm().keyLength()} bytes of {@code key} at {@code
     * off}, so a thread can reuse one instance for every session. The bytes are copied.
     */
    void init(byte[] key, int off);

    /**
     * Seals {@code plaintext} with associated data {@code ad} and {@code nonce}, writing {@code
     * ptLen + TAG_LENGTH} bytes to {@code out} at {@code outOff}.
     *
     * @return the number of bytes written, {@code ptLen + TAG_LENGTH}
     * @throws IllegalArgumentException when the nonce length is one the algorithm cannot take (a
     *     programming error: the caller chooses the nonce)
     */
    int seal(
            byte[] nonce,
            int nonceOff,
            int nonceLen,
            byte[] ad,
            int adOff,
            int adLen,
            byte[] plaintext,
            int ptOff,
            int ptLen,
            byte[] out,
            int outOff);

    /**
     * Opens what {@link #seal} wrote, writing the plaintext to {@code out} at {@code outOff}.
     *
     * @return the plaintext length, or {@code -1} when the input does not authenticate (also when
     *     it is shorter than a tag, or the nonce has a length the algorithm cannot take); nothing
     *     else is reported, so no oracle leaks. On {@code -1} nothing of the plaintext is left in
     *     {@code out}.
     */
    int open(
            byte[] nonce,
            int nonceOff,
            int nonceLen,
            byte[] ad,
            int adOff,
            int adLen,
            byte[] sealed,
            int sealedOff,
            int sealedLen,
            byte[] out,
            int outOff);
}
