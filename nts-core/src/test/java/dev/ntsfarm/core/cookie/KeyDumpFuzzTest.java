package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;

class KeyDumpFuzzTest {

    /**
     * Decoding a dump never throws; what decodes encodes back to the very same bytes (the format
     * has one encoding per seed set, so anything else decoding would be a second, unchecked
     * spelling).
     */
    @FuzzTest(maxDuration = "20s")
    void keyDumpDecodingSound(byte[] input) {
        switch (KeyDump.decode(input)) {
            case KeyDump.Ok(var seeds) -> assertArrayEquals(input, KeyDump.encode(seeds));
            case KeyDump.Malformed(String reason) -> {
                assertNotNull(reason);
                assertFalse(reason.isBlank());
            }
        }
    }
}
