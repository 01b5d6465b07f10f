package dev.ntsfarm.core.keyfile;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * One line of the key file: a 32-bit key id, its MAC algorithm and the secret. The secret never
 * appears in {@link #toString()}.
 */
public final class SymmetricKey {

    /** Key ids are unsigned 32-bit numbers (the MAC trailer's first 4 bytes). */
    public static final long MAX_ID = 0xFFFF_FFFFL;

    /** chrony warns below 80 bits ({@code MIN_SECURE_KEY_LENGTH}). */
    public static final int MIN_SECURE_KEY_LENGTH = 10;

    /** Length of a generated digest key: 160 bits, as {@code chronyc keygen} makes by default. */
    public static final int GENERATED_DIGEST_KEY_LENGTH = 20;

    private final long id;
    private final MacAlgorithm algorithm;
    private final byte[] key;

    /**
     * @throws IllegalArgumentException when the id is not a u32, the key is empty, or a CMAC key
     *     has the wrong length (a bug in the caller; the key-file parser reports these as errors
     *     instead)
     */
    public SymmetricKey(long id, MacAlgorithm algorithm, byte[] key) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException("key id out of range: " + id);
        }
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("empty key");
        }
        if (algorithm.isCmac() && key.length != algorithm.cmacKeyLength()) {
            throw new IllegalArgumentException(
                    algorithm + " needs a " + algorithm.cmacKeyLength() + "-byte key");
        }
        this.id = id;
        this.algorithm = algorithm;
        this.key = key.clone();
    }

    /** A fresh random key: the CMAC key length for AES, 160 bits for a digest. */
    public static SymmetricKey generate(long id, MacAlgorithm algorithm, SecureRandom random) {
        byte[] bytes =
                new byte
                        [algorithm.isCmac()
                                ? algorithm.cmacKeyLength()
                                : GENERATED_DIGEST_KEY_LENGTH];
        random.nextBytes(bytes);
        try {
            return new SymmetricKey(id, algorithm, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    public long id() {
        return id;
    }

    public MacAlgorithm algorithm() {
        return algorithm;
    }

    /** A copy of the secret. */
    public byte[] keyBytes() {
        return key.clone();
    }

    /** The secret itself, for the MAC code in this package only. */
    byte[] secret() {
        return key;
    }

    public int keyLength() {
        return key.length;
    }

    /** Whether the key has at least 80 bits, the least chrony calls secure. */
    public boolean isSecureLength() {
        return key.length >= MIN_SECURE_KEY_LENGTH;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymmetricKey k
                && k.id == id
                && k.algorithm == algorithm
                && java.security.MessageDigest.isEqual(k.key, key);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + algorithm.hashCode();
    }

    @Override
    public String toString() {
        return "SymmetricKey[id="
                + id
                + ", algorithm="
                + algorithm.chronyName()
                + ", bits="
                + 8 * key.length
                + "]";
    }
}
