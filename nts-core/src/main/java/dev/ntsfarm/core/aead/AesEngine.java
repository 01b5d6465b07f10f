package dev.ntsfarm.core.aead;

import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * The two AES modes AES-SIV is built of, CBC-MAC (for CMAC) and ECB (for CTR's counter blocks), on
 * one of two AES implementations: the JDK's, whose AES-NI intrinsics are the fastest per block but
 * whose every re-key allocates a new key schedule; or {@link AesBlock} in Java, slower per block
 * but re-keyed in place. A long-lived key (a cookie's master key, a polling client's session key
 * held in the session cache) takes the JDK's; a key used once takes Java's, so a new session
 * allocates nothing.
 *
 * <p>On the JDK's AES every MAC and every run of counter blocks is one {@code Cipher.update}: the
 * CBC cipher runs as one endless chain, never finalised, and each MAC starts its own chain by
 * xoring the stream's last output into its first block ({@code E(M1 ^ C ^ C) = E(M1)}). A JCA call
 * costs more than the AES-NI rounds of an NTS message, so the count of calls is the cost.
 */
abstract sealed class AesEngine permits AesEngine.Jdk, AesEngine.InJava {

    static final int BLOCK = 16;

    /** For CBC-MAC ({@code cbc = true}) or ECB. */
    static AesEngine jdk(boolean cbc) {
        return new Jdk(cbc);
    }

    static AesEngine inJava() {
        return new InJava();
    }

    abstract void init(byte[] key, int off, int len);

    /**
     * CBC-MAC with the zero IV over {@code buf[off, off+len)}, a whole number of blocks and at
     * least one, into {@code out} at {@code outOff}. May overwrite {@code buf}'s first block.
     */
    abstract void cbcMac(byte[] buf, int off, int len, byte[] out, int outOff);

    /** ECB: enciphers {@code len} bytes, a whole number of blocks. */
    abstract void ecb(byte[] in, int off, int len, byte[] out, int outOff);

    /** The JDK's AES: one JCA call per MAC or per run of blocks. */
    static final class Jdk extends AesEngine {
        private final boolean cbc;
        private final Cipher cipher;

        /**
         * Where CBC writes its ciphertext, of which only the last block is kept; grown on the first
         * MAC, so an ECB engine holds none.
         */
        private byte[] sink = new byte[0];

        /** The chain's last output block: what the next MAC's first block is xored with. */
        private final byte[] chain = new byte[BLOCK];

        Jdk(boolean cbc) {
            this.cbc = cbc;
            this.cipher = Jca.cipher(cbc ? "AES/CBC/NoPadding" : "AES/ECB/NoPadding");
        }

        @Override
        void init(byte[] key, int off, int len) {
            // CBC with the zero IV: the chain starts at zero
            Jca.initEncrypt(cipher, key, off, len, cbc);
            Arrays.fill(chain, (byte) 0);
        }

        @Override
        void cbcMac(byte[] buf, int off, int len, byte[] out, int outOff) {
            Bytes16.xor(buf, off, chain, 0);
            sink = Bytes16.atLeast(sink, len);
            Jca.update(cipher, buf, off, len, sink, 0);
            System.arraycopy(sink, len - BLOCK, chain, 0, BLOCK);
            System.arraycopy(sink, len - BLOCK, out, outOff, BLOCK);
        }

        @Override
        void ecb(byte[] in, int off, int len, byte[] out, int outOff) {
            Jca.update(cipher, in, off, len, out, outOff);
        }
    }

    /** {@link AesBlock}: a block at a time, the chain kept here. */
    static final class InJava extends AesEngine {
        private final AesBlock aes = new AesBlock();
        private final byte[] chain = new byte[BLOCK];

        @Override
        void init(byte[] key, int off, int len) {
            aes.init(key, off, len);
        }

        @Override
        void cbcMac(byte[] buf, int off, int len, byte[] out, int outOff) {
            Arrays.fill(chain, (byte) 0);
            for (int i = 0; i < len; i += BLOCK) {
                Bytes16.xor(chain, 0, buf, off + i);
                aes.encrypt(chain, 0, chain, 0);
            }
            System.arraycopy(chain, 0, out, outOff, BLOCK);
        }

        @Override
        void ecb(byte[] in, int off, int len, byte[] out, int outOff) {
            for (int i = 0; i < len; i += BLOCK) {
                aes.encrypt(in, off + i, out, outOff + i);
            }
        }
    }
}
