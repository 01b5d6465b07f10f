package dev.ntsfarm.core.ke;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Truncated and damaged messages end in a result, never an exception. */
class KeCorruptionTest {

    static final byte[] RESPONSE =
            KeResponse.accepted(
                            AeadAlgorithm.AES_128_GCM_SIV,
                            true,
                            KeResponseTest.cookies(8, 100),
                            Optional.of("ntp.example"),
                            OptionalInt.of(123))
                    .encode();
    static final byte[] REQUEST =
            KeClientRequest.builder()
                    .aeads(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256)
                    .server("ntp.example")
                    .port(123)
                    .build()
                    .encode();

    @Test
    void everyTruncationOfARequestOrResponseNeedsMoreData() {
        for (byte[] msg : List.of(REQUEST, RESPONSE)) {
            for (int len = 0; len < msg.length; len++) {
                KeFrame f = KeRecordFramer.frame(msg, 0, len);
                assertInstanceOf(KeFrame.NeedsMoreData.class, f, "length " + len);
            }
        }
    }

    @Test
    void everyTruncationOfARequestUnderATightLimitNeedsMoreDataOrIsMalformed() {
        for (int limit = KeLimits.RECORD_HEADER_LENGTH; limit < REQUEST.length; limit++) {
            for (int len = 0; len <= REQUEST.length; len++) {
                KeFrame f = KeRecordFramer.frame(REQUEST, 0, len, limit);
                if (!(f instanceof KeFrame.NeedsMoreData) && !(f instanceof KeFrame.Malformed)) {
                    throw new AssertionError("limit " + limit + ", length " + len + ": " + f);
                }
            }
        }
    }

    @Test
    void tenThousandDamagedMessagesEndInAResult() {
        Random random = new Random(8915);
        for (int i = 0; i < 10_000; i++) {
            byte[] msg = (i % 2 == 0 ? REQUEST : RESPONSE).clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                msg[random.nextInt(msg.length)] ^= (byte) (1 << random.nextInt(8));
            }
            int len = random.nextInt(4) == 0 ? random.nextInt(msg.length + 1) : msg.length;
            check(Arrays.copyOf(msg, len));
        }
    }

    /** The property the fuzz target checks too. */
    static void check(byte[] data) {
        KeFrame f =
                KeRecordFramer.frame(data, 0, data.length, KeLimits.MIN_ACCEPTED_RESPONSE_LENGTH);
        switch (f) {
            case KeFrame.NeedsMoreData n -> assertNotNull(n);
            case KeFrame.Malformed m -> assertNotNull(m.reason());
            case KeFrame.Complete c -> {
                assertArrayEquals(Arrays.copyOf(data, c.consumed()), KeMessage.encode(c.records()));
                assertNotNull(KeRequest.validate(c.records()));
                assertNotNull(KeResponseParser.parse(c.records(), List.of(AeadAlgorithm.values())));
            }
        }
    }
}
