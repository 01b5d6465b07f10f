package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class NonceSourceTest {

    /** A SecureRandom that counts, so the keys drawn from it are known. */
    private static final class Counting extends SecureRandom {
        int next;
        int calls;

        @Override
        public void nextBytes(byte[] bytes) {
            calls++;
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) next++;
            }
        }
    }

    /** AES-128-CTR's keystream under {@code seed}'s key and counter, {@code length} bytes. */
    private static byte[] keystream(byte[] seed, int length) throws Exception {
        Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
        c.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(seed, 0, 16, "AES"),
                new IvParameterSpec(seed, 16, 16));
        return c.doFinal(new byte[length]);
    }

    private static byte[] seed(int first) {
        byte[] s = new byte[NonceSource.SEED_BYTES];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (first + i);
        }
        return s;
    }

    @Test
    void slicesFollowOneKeystreamAcrossBatchBoundaries() throws Exception {
        Counting random = new Counting();
        NonceSource nonces = NonceSource.of(random);
        byte[] buf = new byte[NonceSource.BATCH * 2 + 100];
        int off = 0;
        for (int len : new int[] {16, 12, NonceSource.BATCH, 5, NonceSource.BATCH - 33}) {
            nonces.nextBytes(buf, off, len);
            off += len;
        }
        assertArrayEquals(keystream(seed(0), off), Arrays.copyOf(buf, off));
        assertEquals(0, buf[off]);
        assertEquals(
                1,
                random.calls,
                "one key and counter drawn for the first " + NonceSource.REKEY_BYTES + " bytes");
    }

    @Test
    void aFreshKeyIsDrawnEveryRekeyBytes() throws Exception {
        Counting random = new Counting();
        int rekey = 16 * NonceSource.BATCH;
        NonceSource nonces = NonceSource.of(random, rekey);
        byte[] first = new byte[rekey];
        nonces.nextBytes(first, 0, first.length);
        assertEquals(1, random.calls);
        byte[] next = new byte[64];
        nonces.nextBytes(next, 0, next.length);
        assertEquals(2, random.calls);
        assertArrayEquals(keystream(seed(NonceSource.SEED_BYTES), 64), next);
        assertFalse(Arrays.equals(Arrays.copyOf(first, 64), next), "a new key gives a new stream");
    }

    @Test
    void threadsGetStreamsOfTheirOwn() throws Exception {
        NonceSource nonces = NonceSource.of(new SecureRandom());
        byte[] here = new byte[32];
        byte[] there = new byte[32];
        nonces.nextBytes(here, 0, 32);
        Thread t = Thread.ofPlatform().start(() -> nonces.nextBytes(there, 0, 32));
        t.join(10_000);
        assertFalse(t.isAlive());
        assertFalse(Arrays.equals(here, there));
        assertFalse(Arrays.equals(new byte[32], there));
    }

    @Test
    void drawingNoncesAllocatesNothingOnceRunning() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        NonceSource nonces = NonceSource.of(new SecureRandom());
        byte[] buf = new byte[32];
        for (int i = 0; i < 20_000; i++) {
            nonces.nextBytes(buf, 0, buf.length);
        }
        int draws = 30_000; // 960,000 bytes after the 640,000 above, all under the first key
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < draws; i++) {
            nonces.nextBytes(buf, 0, buf.length);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // under one key neither a draw nor a refill allocates: one 16-byte object per draw would
        // be 480,000 bytes, and 200 per refill (234 of them) 46,800; what is left, below a KB, is
        // the runtime's own (a first call, the compiler's bookkeeping)
        assertTrue(allocated < 1024, allocated + " bytes allocated for " + draws + " nonces");
    }
}
