package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NonceSourceTest {

    /** A SecureRandom that counts, so the batching can be checked byte for byte. */
    private static final class Counting extends SecureRandom {
        int next;

        @Override
        public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) next++;
            }
        }
    }

    @Test
    void slicesFollowTheSecureRandomAcrossBatchBoundaries() {
        NonceSource nonces = NonceSource.of(new Counting());
        byte[] buf = new byte[NonceSource.BATCH * 2 + 100];
        int off = 0;
        for (int len : new int[] {16, 12, NonceSource.BATCH, 5, NonceSource.BATCH - 33}) {
            nonces.nextBytes(buf, off, len);
            off += len;
        }
        byte[] expected = new byte[off];
        for (int i = 0; i < off; i++) {
            expected[i] = (byte) i;
        }
        assertArrayEquals(expected, Arrays.copyOf(buf, off));
        assertEquals(0, buf[off]);
    }
}
