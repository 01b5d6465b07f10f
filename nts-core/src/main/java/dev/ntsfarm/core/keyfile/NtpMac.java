package dev.ntsfarm.core.keyfile;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Symmetric-key NTP authentication (RFC 5905 section 7.3, RFC 8573 for CMAC) as chrony 4.3 does it.
 *
 * <p>Construction (chrony {@code keys.c}, {@code hash_nettle.c}, {@code cmac_nettle.c}):
 *
 * <ul>
 *   <li>digest keys (MD5, SHA*): {@code MAC = HASH(key || message)}, a plain hash of the key bytes
 *       followed by the message, not HMAC;
 *   <li>AES128/AES256 keys: {@code MAC = AES-CMAC(key, message)} (RFC 4493), 16 bytes;
 *   <li>the message is the packet from its first byte up to the MAC trailer (header and extension
 *       fields); the trailer is the 4-byte key id, big-endian, then the MAC;
 *   <li>a MAC is a prefix of the full output: in NTPv4 packets at most 20 bytes (trailer at most
 *       {@link MacAlgorithm#NTP_MAX_V4_MAC_LENGTH}), in NTPv3 the whole digest.
 * </ul>
 *
 * <p>Checking (chrony {@code check_symmetric_auth}): a trailer shorter than {@link
 * MacAlgorithm#NTP_MIN_MAC_LENGTH} fails; in an NTPv4 packet whose trailer is at most 24 bytes the
 * MAC must be exactly {@code min(digest, 20)} bytes, otherwise (longer NTPv4 trailers and every
 * NTPv3 trailer) exactly the full digest. So chronyd accepts both the cut and the full SHA512 MAC
 * in NTPv4, and answers in the request's version. Comparison is in constant time.
 *
 * <p>{@code ChronydSymmetricKeyTest} checks all of this against chronyd 4.3 on loopback (MD5, SHA1,
 * SHA512 cut in NTPv4 and whole in NTPv3, AES128).
 *
 * <p>The methods are thread-safe; each thread keeps its own digest and cipher instances.
 */
public final class NtpMac {

    /** NTP version whose truncation rules the methods without a version argument apply. */
    public static final int NTP_VERSION = 4;

    private static final int AES_BLOCK = 16;
    private static final ThreadLocal<Engines> ENGINES = ThreadLocal.withInitial(Engines::new);

    private NtpMac() {}

    /**
     * Writes the NTPv4 MAC of {@code data[off, off+len)} to {@code out} at {@code outOff}.
     *
     * @return the number of bytes written, {@code key.algorithm().macLength(4)}
     */
    public static int compute(
            SymmetricKey key, byte[] data, int off, int len, byte[] out, int outOff) {
        return compute(key, NTP_VERSION, data, off, len, out, outOff);
    }

    /**
     * As {@link #compute(SymmetricKey, byte[], int, int, byte[], int)}, cut for NTP version {@code
     * ntpVersion}.
     */
    public static int compute(
            SymmetricKey key,
            int ntpVersion,
            byte[] data,
            int off,
            int len,
            byte[] out,
            int outOff) {
        Objects.checkFromIndexSize(off, len, data.length);
        int macLen = key.algorithm().macLength(ntpVersion);
        Objects.checkFromIndexSize(outOff, macLen, out.length);
        Engines e = ENGINES.get();
        full(e, key, data, off, len, e.computed);
        System.arraycopy(e.computed, 0, out, outOff, macLen);
        return macLen;
    }

    /**
     * Writes the whole trailer, key id then MAC, for a packet of NTP version {@code ntpVersion}
     * whose authenticated part is {@code data[off, off+len)}.
     *
     * @return the number of bytes written, {@code key.algorithm().trailerLength(ntpVersion)}
     */
    public static int writeTrailer(
            SymmetricKey key,
            int ntpVersion,
            byte[] data,
            int off,
            int len,
            byte[] out,
            int outOff) {
        Objects.checkFromIndexSize(outOff, MacAlgorithm.KEY_ID_LENGTH, out.length);
        long id = key.id();
        out[outOff] = (byte) (id >>> 24);
        out[outOff + 1] = (byte) (id >>> 16);
        out[outOff + 2] = (byte) (id >>> 8);
        out[outOff + 3] = (byte) id;
        return MacAlgorithm.KEY_ID_LENGTH
                + compute(
                        key, ntpVersion, data, off, len, out, outOff + MacAlgorithm.KEY_ID_LENGTH);
    }

    /**
     * Checks the MAC (without its key id) of a message in an NTPv4 packet, with chrony's length
     * rule.
     *
     * @return true when {@code macLen} is a length chrony accepts and the bytes match, compared in
     *     constant time
     */
    public static boolean verify(
            SymmetricKey key, byte[] data, int off, int len, byte[] mac, int macOff, int macLen) {
        return verify(key, NTP_VERSION, data, off, len, mac, macOff, macLen);
    }

    /**
     * As {@link #verify(SymmetricKey, byte[], int, int, byte[], int, int)} for NTP version {@code
     * ntpVersion}.
     */
    public static boolean verify(
            SymmetricKey key,
            int ntpVersion,
            byte[] data,
            int off,
            int len,
            byte[] mac,
            int macOff,
            int macLen) {
        Objects.checkFromIndexSize(off, len, data.length);
        if (macLen < 0 || macOff < 0 || macOff > mac.length - macLen) {
            return false;
        }
        int trailer = MacAlgorithm.KEY_ID_LENGTH + macLen;
        if (trailer < MacAlgorithm.NTP_MIN_MAC_LENGTH) {
            return false;
        }
        int limit =
                ntpVersion == 4 && trailer <= MacAlgorithm.NTP_MAX_V4_MAC_LENGTH
                        ? MacAlgorithm.NTP_MAX_V4_MAC_LENGTH
                        : MacAlgorithm.NTP_MAX_MAC_LENGTH;
        int expected = Math.min(key.algorithm().digestLength(), limit - MacAlgorithm.KEY_ID_LENGTH);
        if (macLen != expected) {
            return false;
        }
        Engines e = ENGINES.get();
        full(e, key, data, off, len, e.computed);
        return MessageDigest.isEqual(
                Arrays.copyOf(e.computed, macLen),
                Arrays.copyOfRange(mac, macOff, macOff + macLen));
    }

    /** Writes the full, uncut MAC to {@code out} at 0. */
    private static void full(
            Engines e, SymmetricKey key, byte[] data, int off, int len, byte[] out) {
        MacAlgorithm a = key.algorithm();
        try {
            if (a.isCmac()) {
                cmac(e, key.secret(), data, off, len, out);
            } else {
                MessageDigest md = e.digest(a);
                md.update(key.secret());
                md.update(data, off, len);
                md.digest(out, 0, a.digestLength());
            }
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("JCA cannot compute " + a.chronyName(), ex);
        }
    }

    /**
     * RFC 4493 AES-CMAC as one CBC pass with a zero IV: the CBC chain over all blocks but the last,
     * then the last block (XORed with subkey K1, or padded and XORed with K2) continues the chain.
     */
    private static void cmac(Engines e, byte[] key, byte[] data, int off, int len, byte[] out)
            throws GeneralSecurityException {
        Cipher cbc = e.cbc;
        cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), e.zeroIv);
        byte[] k = e.subkey;
        Arrays.fill(k, (byte) 0);
        cbc.doFinal(k, 0, AES_BLOCK, k, 0); // L = AES(K, 0^128); the cipher resets to the zero IV
        doubleInGf128(k); // K1
        int blocks = Math.max(1, (len + AES_BLOCK - 1) / AES_BLOCK);
        boolean complete = len > 0 && len % AES_BLOCK == 0;
        if (!complete) {
            doubleInGf128(k); // K2
        }
        int head = (blocks - 1) * AES_BLOCK;
        byte[] last = e.lastBlock;
        int tail = len - head;
        for (int i = 0; i < AES_BLOCK; i++) {
            byte m = i < tail ? data[off + head + i] : (i == tail ? (byte) 0x80 : 0);
            last[i] = (byte) (m ^ k[i]);
        }
        if (head > 0) {
            cbc.update(data, off, head, e.scratch(head), 0);
        }
        cbc.doFinal(last, 0, AES_BLOCK, out, 0);
    }

    /** Multiplication by x in GF(2^128), RFC 4493 section 2.3. */
    private static void doubleInGf128(byte[] b) {
        int carry = (b[0] & 0x80) != 0 ? 0x87 : 0;
        for (int i = 0; i < AES_BLOCK - 1; i++) {
            b[i] = (byte) ((b[i] << 1) | ((b[i + 1] & 0xFF) >>> 7));
        }
        b[AES_BLOCK - 1] = (byte) ((b[AES_BLOCK - 1] << 1) ^ carry);
    }

    /** One thread's digests, cipher and buffers. */
    private static final class Engines {
        final EnumMap<MacAlgorithm, MessageDigest> digests = new EnumMap<>(MacAlgorithm.class);
        final byte[] computed = new byte[MacAlgorithm.MAX_HASH_LENGTH];
        final byte[] subkey = new byte[AES_BLOCK];
        final byte[] lastBlock = new byte[AES_BLOCK];
        final IvParameterSpec zeroIv = new IvParameterSpec(new byte[AES_BLOCK]);
        final Cipher cbc;
        byte[] scratch = new byte[2048];

        Engines() {
            try {
                cbc = Cipher.getInstance("AES/CBC/NoPadding");
            } catch (GeneralSecurityException ex) {
                throw new IllegalStateException("JCA has no AES/CBC/NoPadding", ex);
            }
        }

        MessageDigest digest(MacAlgorithm a) throws GeneralSecurityException {
            MessageDigest md = digests.get(a);
            if (md == null) {
                md = MessageDigest.getInstance(a.jcaName());
                digests.put(a, md);
            }
            return md;
        }

        byte[] scratch(int len) {
            if (scratch.length < len) {
                scratch = new byte[len];
            }
            return scratch;
        }
    }
}
