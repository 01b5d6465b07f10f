package dev.ntsfarm.core.ke;

import com.code_intelligence.jazzer.junit.FuzzTest;

class KeRecordsFuzzTest {

    /**
     * Framing, request validation and response parsing never throw; a whole message re-encodes to
     * its bytes.
     */
    @FuzzTest(maxDuration = "20s")
    void recordParsingSound(byte[] data) {
        KeCorruptionTest.check(data);
    }
}
