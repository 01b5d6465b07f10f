package dev.ntsfarm.core.cookie;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.Objects;

/**
 * The C2S and S2C keys of one NTS session and their AEAD. Mutable and reusable so the hot path can
 * fill one per thread instead of allocating; {@code toString} shows the algorithm only.
 */
public final class SessionKeys {

    /** Key arrays by length / 16 (16, 32, 48, 64 bytes), made on first use and kept. */
    private final byte[][] c2sByLength = new byte[5][];

    private final byte[][] s2cByLength = new byte[5][];
    private AeadAlgorithm algorithm;
    private byte[] c2s;
    private byte[] s2c;

    /** An empty holder, filled by {@link CookieCodec#open}. */
    public SessionKeys() {}

    /** Keys of {@code alg}, copied. */
    public static SessionKeys of(AeadAlgorithm alg, byte[] c2s, byte[] s2c) {
        if (c2s.length != alg.keyLength() || s2c.length != alg.keyLength()) {
            throw new IllegalArgumentException(
                    "key lengths "
                            + c2s.length
                            + "/"
                            + s2c.length
                            + " (expected: "
                            + alg.keyLength()
                            + " for "
                            + alg
                            + ")");
        }
        SessionKeys keys = new SessionKeys();
        keys.set(alg, c2s, 0, s2c, 0);
        return keys;
    }

    /** The AEAD; {@code null} while empty. */
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The client-to-server key: the backing array, {@code algorithm().keyLength()} long (do not
     * modify).
     */
    public byte[] c2s() {
        return c2s;
    }

    /**
     * The server-to-client key: the backing array, {@code algorithm().keyLength()} long (do not
     * modify).
     */
    public byte[] s2c() {
        return s2c;
    }

    /** Copies {@code alg.keyLength()} bytes of each key in. */
    public void set(AeadAlgorithm alg, byte[] c2s, int c2sOff, byte[] s2c, int s2cOff) {
        Objects.requireNonNull(alg, "alg");
        int len = alg.keyLength();
        int slot = len / 16;
        if (c2sByLength[slot] == null) {
            c2sByLength[slot] = new byte[len];
            s2cByLength[slot] = new byte[len];
        }
        this.c2s = c2sByLength[slot];
        this.s2c = s2cByLength[slot];
        System.arraycopy(c2s, c2sOff, this.c2s, 0, len);
        System.arraycopy(s2c, s2cOff, this.s2c, 0, len);
        this.algorithm = alg;
    }

    @Override
    public String toString() {
        return "SessionKeys[" + algorithm + "]";
    }
}
