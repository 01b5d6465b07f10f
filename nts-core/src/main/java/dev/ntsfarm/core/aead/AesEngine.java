package dev.ntsfarm.core.aead;

import javax.crypto.Cipher;

/**
 * The two AES modes AES-SIV is built of, CBC-MAC (for CMAC) and ECB (for CTR's counter blocks), on
 * one of two AES implementations: the JDK's, whose AES-NI intrinsics are the fastest per block but
 * whose every re-key allocates a new key schedule; or {@link AesBlock} in Java, slower per block
 * but re-keyed in place. A long-lived key (a cookie's master key, a polling client's session key
 * held in the session cache) takes the JDK's; a key used once takes Java's, so a new session
 * allocates nothing.
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

    /** CBC-MAC: absorbs whole blocks into the chain. */
    abstract void cbcUpdate(byte[] in, int off, int len);

    /** CBC-MAC: absorbs the last block, writes the chain's value, and starts a new chain. */
    abstract void cbcFinal(byte[] last, int off, byte[] out, int outOff);

    /** ECB: enciphers {@code len} bytes, a whole number of blocks. */
    abstract void ecb(byte[] in, int off, int len, byte[] out, int outOff);

    /** The JDK's AES: one JCA call per run of blocks. */
    static final class Jdk extends AesEngine {
        /** Bytes per CBC update; its output is discarded into a buffer of this size. */
        private static final int CHUNK = 1024;

        private final boolean cbc;
        private final Cipher cipher;
        private final byte[] sink = new byte[CHUNK];

        Jdk(boolean cbc) {
            this.cbc = cbc;
            this.cipher = Jca.cipher(cbc ? "AES/CBC/NoPadding" : "AES/ECB/NoPadding");
        }

        @Override
        void init(byte[] key, int off, int len) {
            // CBC with the zero IV: the JCA resets to it after each doFinal, so each MAC starts
            // fresh
            Jca.initEncrypt(cipher, key, off, len, cbc);
        }

        @Override
        void cbcUpdate(byte[] in, int off, int len) {
            for (int done = 0; done < len; ) {
                int n = Math.min(CHUNK, len - done);
                Jca.update(cipher, in, off + done, n, sink, 0);
                done += n;
            }
        }

        @Override
        void cbcFinal(byte[] last, int off, byte[] out, int outOff) {
            Jca.doFinal(cipher, last, off, BLOCK, out, outOff);
        }

        @Override
        void ecb(byte[] in, int off, int len, byte[] out, int outOff) {
            Jca.doFinal(cipher, in, off, len, out, outOff);
        }
    }

    /** {@link AesBlock}: a block at a time, the chain kept here. */
    static final class InJava extends AesEngine {
        private final AesBlock aes = new AesBlock();
        private final byte[] chain = new byte[BLOCK];

        @Override
        void init(byte[] key, int off, int len) {
            aes.init(key, off, len);
            java.util.Arrays.fill(chain, (byte) 0);
        }

        @Override
        void cbcUpdate(byte[] in, int off, int len) {
            for (int i = 0; i < len; i += BLOCK) {
                for (int j = 0; j < BLOCK; j++) {
                    chain[j] ^= in[off + i + j];
                }
                aes.encrypt(chain, 0, chain, 0);
            }
        }

        @Override
        void cbcFinal(byte[] last, int off, byte[] out, int outOff) {
            for (int j = 0; j < BLOCK; j++) {
                chain[j] ^= last[off + j];
            }
            aes.encrypt(chain, 0, out, outOff);
            java.util.Arrays.fill(chain, (byte) 0);
        }

        @Override
        void ecb(byte[] in, int off, int len, byte[] out, int outOff) {
            for (int i = 0; i < len; i += BLOCK) {
                aes.encrypt(in, off + i, out, outOff + i);
            }
        }
    }
}
