package dev.ntsfarm.core.cookie;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.Arrays;

/**
 * Seals and opens NTS cookies (RFC 8915 section 6) under one {@link MasterKeyRing} snapshot. Not
 * thread-safe: one per thread (event loop); build a new one when the ring is swapped.
 *
 * <p>Cookie format, fixed length per AEAD ({@link #cookieLength}):
 *
 * <pre>
 *   key id    u32   the slot whose working key sealed it
 *   nonce     16    from the {@link NonceSource}
 *   sealed    16+n  AES-SIV-CMAC-256(working key; AD = the key id's 4 bytes, nonce; plaintext)
 *                   = tag || ciphertext, where plaintext =
 *                     AEAD id (u16) | reserved (u16, zero) | C2S key | S2C key
 * </pre>
 *
 * AEAD 15: 4 + 16 + 16 + 4 + 2 * 32 = 104 bytes; AEAD 30: 72; AEAD 16: 136; AEAD 17: 168. Every
 * length is a multiple of 4 because chrony's NTS-KE client ignores cookies that are not, and so the
 * cookie field needs no padding a client might keep.
 *
 * <p>Each slot of the ring has its own AES-SIV instance, keyed once here, so sealing and opening
 * allocate nothing.
 */
public final class CookieCodec {

    /** Length of the key id that starts a cookie. */
    public static final int KEY_ID_LENGTH = 4;

    /** AES-SIV nonce length in a cookie (RFC 5297 takes any; 16 as chrony uses). */
    public static final int NONCE_LENGTH = 16;

    /** AEAD id (u16) and a reserved zero u16 that keeps cookies word-aligned. */
    private static final int AEAD_ID_LENGTH = 4;

    private static final int TAG = AeadAlgorithm.TAG_LENGTH;
    private static final int HEADER = KEY_ID_LENGTH + NONCE_LENGTH;
    private static final int MAX_PLAINTEXT = AEAD_ID_LENGTH + 2 * 64;

    private final MasterKeyRing ring;
    private final NonceSource nonces;
    private final Aead[] sivBySlotIndex;
    private final int currentIndex;
    private final byte[] plaintext = new byte[MAX_PLAINTEXT];

    public CookieCodec(MasterKeyRing ring, NonceSource nonces) {
        this.ring = ring;
        this.nonces = nonces;
        this.sivBySlotIndex = new Aead[ring.size()];
        for (int i = 0; i < sivBySlotIndex.length; i++) {
            sivBySlotIndex[i] = Aead.of(AeadAlgorithm.AES_SIV_CMAC_256, ring.workingKeyAtIndex(i));
        }
        this.currentIndex = ring.indexOf(ring.currentSlot());
    }

    /** The length of every cookie carrying keys of {@code alg}. */
    public static int cookieLength(AeadAlgorithm alg) {
        return HEADER + TAG + AEAD_ID_LENGTH + 2 * alg.keyLength();
    }

    /** The ring this codec seals and opens under. */
    public MasterKeyRing ring() {
        return ring;
    }

    /**
     * Opens {@code buf[off, off+len)}.
     *
     * @return {@code true} and {@code into} filled when the cookie opens under a key of the ring;
     *     {@code false} otherwise, {@code into} untouched (never throws on bad input)
     */
    public boolean open(byte[] buf, int off, int len, SessionKeys into) {
        if (buf == null
                || off < 0
                || len < HEADER + TAG + AEAD_ID_LENGTH
                || len > buf.length - off) {
            return false;
        }
        int ptLen = len - HEADER - TAG;
        if (ptLen > MAX_PLAINTEXT) {
            return false;
        }
        long keyId =
                ((buf[off] & 0xffL) << 24)
                        | ((buf[off + 1] & 0xff) << 16)
                        | ((buf[off + 2] & 0xff) << 8)
                        | (buf[off + 3] & 0xff);
        int index = ring.indexOf(keyId);
        if (index < 0) {
            return false;
        }
        int n =
                sivBySlotIndex[index].open(
                        buf,
                        off + KEY_ID_LENGTH,
                        NONCE_LENGTH,
                        buf,
                        off,
                        KEY_ID_LENGTH,
                        buf,
                        off + HEADER,
                        len - HEADER,
                        plaintext,
                        0);
        if (n < 0) {
            return false;
        }
        try {
            AeadAlgorithm alg =
                    AeadAlgorithm.fromId(((plaintext[0] & 0xff) << 8) | (plaintext[1] & 0xff));
            // only our own key can seal, so this is a guard against our own bugs or a foreign farm
            if (alg == null
                    || plaintext[2] != 0
                    || plaintext[3] != 0
                    || n != AEAD_ID_LENGTH + 2 * alg.keyLength()) {
                return false;
            }
            into.set(alg, plaintext, AEAD_ID_LENGTH, plaintext, AEAD_ID_LENGTH + alg.keyLength());
            return true;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Seals {@code keys} under the ring's current slot into {@code out} at {@code off}.
     *
     * @return the bytes written, {@code cookieLength(keys.algorithm())}
     */
    public int seal(SessionKeys keys, byte[] out, int off) {
        AeadAlgorithm alg = keys.algorithm();
        int keyLen = alg.keyLength();
        long slot = ring.currentSlot();
        out[off] = (byte) (slot >>> 24);
        out[off + 1] = (byte) (slot >>> 16);
        out[off + 2] = (byte) (slot >>> 8);
        out[off + 3] = (byte) slot;
        nonces.nextBytes(out, off + KEY_ID_LENGTH, NONCE_LENGTH);
        plaintext[0] = (byte) (alg.id() >>> 8);
        plaintext[1] = (byte) alg.id();
        plaintext[2] = 0;
        plaintext[3] = 0;
        System.arraycopy(keys.c2s(), 0, plaintext, AEAD_ID_LENGTH, keyLen);
        System.arraycopy(keys.s2c(), 0, plaintext, AEAD_ID_LENGTH + keyLen, keyLen);
        int ptLen = AEAD_ID_LENGTH + 2 * keyLen;
        int n =
                sivBySlotIndex[currentIndex].seal(
                        out,
                        off + KEY_ID_LENGTH,
                        NONCE_LENGTH,
                        out,
                        off,
                        KEY_ID_LENGTH,
                        plaintext,
                        0,
                        ptLen,
                        out,
                        off + HEADER);
        Arrays.fill(plaintext, 0, ptLen, (byte) 0);
        return HEADER + n;
    }

    @Override
    public String toString() {
        return "CookieCodec[" + ring + "]";
    }
}
