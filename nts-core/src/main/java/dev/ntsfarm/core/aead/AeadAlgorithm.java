package dev.ntsfarm.core.aead;

/**
 * The AEAD algorithms NTS can negotiate (IANA "AEAD Algorithms" registry, RFC 8915 section 5.1).
 * Every one of them has a 16-byte tag: before the ciphertext for AES-SIV-CMAC (RFC 5297), after it
 * for AES-GCM-SIV (RFC 8452), as each algorithm defines its output.
 */
public enum AeadAlgorithm {
    /** RFC 5297, mandatory to implement for NTS. */
    AES_SIV_CMAC_256(15, 32, 16),
    /** RFC 5297. */
    AES_SIV_CMAC_384(16, 48, 16),
    /** RFC 5297. */
    AES_SIV_CMAC_512(17, 64, 16),
    /** RFC 8452; its nonce is exactly 12 bytes. */
    AES_128_GCM_SIV(30, 16, 12);

    /** Length of the authentication tag of every algorithm here. */
    public static final int TAG_LENGTH = 16;

    /** values() clones its array on each call; the hot path looks ids up per packet. */
    private static final AeadAlgorithm[] ALL = values();

    private final int id;
    private final int keyLength;
    private final int nonceLength;

    AeadAlgorithm(int id, int keyLength, int nonceLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.nonceLength = nonceLength;
    }

    /** The IANA numeric identifier, as sent in NTS-KE record 4 and in the TLS exporter context. */
    public int id() {
        return id;
    }

    /** Key length in bytes (the length to export from TLS for C2S and S2C each). */
    public int keyLength() {
        return keyLength;
    }

    /** The nonce length this implementation uses when it seals. */
    public int nonceLength() {
        return nonceLength;
    }

    /** The algorithm with IANA id {@code id}, or {@code null} when it is not one we implement. */
    public static AeadAlgorithm fromId(int id) {
        for (AeadAlgorithm a : ALL) {
            if (a.id == id) {
                return a;
            }
        }
        return null;
    }
}
