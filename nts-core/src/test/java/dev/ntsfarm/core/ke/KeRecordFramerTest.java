package dev.ntsfarm.core.ke;

import static dev.ntsfarm.core.ke.KeTestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeRecordFramerTest {

    // RFC 8915 section 4: Next Protocol [NTPv4], AEAD [15], End of Message; every one critical.
    static final byte[] MINIMAL_REQUEST = hex("8001 0002 0000  8004 0002 000f  8000 0000");

    @Test
    void minimalRequestFramesIntoItsThreeRecords() {
        KeFrame.Complete c =
                assertInstanceOf(
                        KeFrame.Complete.class,
                        KeRecordFramer.frame(MINIMAL_REQUEST, 0, MINIMAL_REQUEST.length));
        assertEquals(MINIMAL_REQUEST.length, c.consumed());
        assertEquals(
                List.of(
                        new KeRecord(true, 1, hex("0000")),
                        new KeRecord(true, 4, hex("000f")),
                        new KeRecord(true, 0, new byte[0])),
                c.records());
    }

    @Test
    void minimalRequestEncodesToTheSameBytes() {
        byte[] encoded =
                KeMessage.encode(
                        List.of(
                                KeRecord.nextProtocolNegotiation(List.of(0)),
                                KeRecord.aeadAlgorithmNegotiation(List.of(15)),
                                KeRecord.endOfMessage()));
        assertArrayEquals(MINIMAL_REQUEST, encoded);
    }

    @Test
    void everyTruncationNeedsMoreData() {
        for (int len = 0; len < MINIMAL_REQUEST.length; len++) {
            assertInstanceOf(
                    KeFrame.NeedsMoreData.class,
                    KeRecordFramer.frame(MINIMAL_REQUEST, 0, len),
                    "length " + len);
        }
    }

    @Test
    void bytesAfterEndOfMessageAreLeftUnconsumed() {
        byte[] two = new byte[2 * MINIMAL_REQUEST.length];
        System.arraycopy(MINIMAL_REQUEST, 0, two, 0, MINIMAL_REQUEST.length);
        System.arraycopy(MINIMAL_REQUEST, 0, two, MINIMAL_REQUEST.length, MINIMAL_REQUEST.length);
        KeFrame.Complete c =
                assertInstanceOf(KeFrame.Complete.class, KeRecordFramer.frame(two, 0, two.length));
        assertEquals(MINIMAL_REQUEST.length, c.consumed());
        assertEquals(3, c.records().size());
    }

    @Test
    void framesFromAnOffsetInsideALargerBuffer() {
        byte[] buf = new byte[MINIMAL_REQUEST.length + 7];
        Arrays.fill(buf, (byte) 0xAA);
        System.arraycopy(MINIMAL_REQUEST, 0, buf, 5, MINIMAL_REQUEST.length);
        KeFrame.Complete c =
                assertInstanceOf(
                        KeFrame.Complete.class,
                        KeRecordFramer.frame(buf, 5, MINIMAL_REQUEST.length));
        assertEquals(MINIMAL_REQUEST.length, c.consumed());
    }

    @Test
    void unknownTypesAndTheCriticalBitAreKept() {
        byte[] msg = hex("7fff 0001 ab  c000 0000  8000 0000");
        KeFrame.Complete c =
                assertInstanceOf(KeFrame.Complete.class, KeRecordFramer.frame(msg, 0, msg.length));
        assertEquals(new KeRecord(false, 0x7fff, hex("ab")), c.records().get(0));
        assertEquals(new KeRecord(true, 0x4000, new byte[0]), c.records().get(1));
        assertArrayEquals(msg, KeMessage.encode(c.records()));
    }

    @Test
    void endOfMessageEndsTheFrameWhateverItsBitsAndBody() {
        // Framing stops at type 0; whether its C bit and body are right is for validation to say.
        byte[] msg = hex("0000 0001 ff");
        KeFrame.Complete c =
                assertInstanceOf(KeFrame.Complete.class, KeRecordFramer.frame(msg, 0, msg.length));
        assertEquals(new KeRecord(false, 0, hex("ff")), c.records().getFirst());
    }

    @Test
    void aHeaderThatPassesTheLimitIsMalformedBeforeItsBodyArrives() {
        byte[] header = hex("8005 4000");
        assertInstanceOf(KeFrame.Malformed.class, KeRecordFramer.frame(header, 0, header.length));
        assertInstanceOf(
                KeFrame.NeedsMoreData.class,
                KeRecordFramer.frame(
                        header, 0, header.length, KeLimits.MIN_ACCEPTED_RESPONSE_LENGTH));
    }

    @Test
    void aMessageOfExactlyTheLimitIsAccepted() {
        int limit = KeLimits.MAX_MESSAGE_LENGTH;
        byte[] msg = new byte[limit];
        // One unknown non-critical record that fills all but the End of Message.
        KeWire.putU16(msg, 0, 0x4000);
        KeWire.putU16(msg, 2, limit - 8);
        KeWire.putU16(msg, limit - 4, KeRecordType.CRITICAL_BIT);
        KeFrame.Complete c =
                assertInstanceOf(KeFrame.Complete.class, KeRecordFramer.frame(msg, 0, msg.length));
        assertEquals(limit, c.consumed());

        byte[] longer = Arrays.copyOf(msg, limit + 1);
        KeWire.putU16(longer, 2, limit - 7);
        assertInstanceOf(KeFrame.Malformed.class, KeRecordFramer.frame(longer, 0, longer.length));
    }

    @Test
    void manyEmptyRecordsWithoutEndOfMessageAreMalformedAtTheLimit() {
        byte[] msg = new byte[KeLimits.MAX_MESSAGE_LENGTH + 4];
        for (int i = 0; i < msg.length; i += 4) {
            KeWire.putU16(msg, i, 0x4000);
        }
        assertInstanceOf(KeFrame.Malformed.class, KeRecordFramer.frame(msg, 0, msg.length));
        assertInstanceOf(
                KeFrame.NeedsMoreData.class,
                KeRecordFramer.frame(msg, 0, KeLimits.MAX_MESSAGE_LENGTH - 4));
    }

    @Test
    void theServerLimitIsAtLeastWhatRfc8915MakesServersAccept() {
        assertTrue(KeLimits.MAX_MESSAGE_LENGTH >= KeLimits.MIN_ACCEPTED_REQUEST_LENGTH);
    }

    @Test
    void callerBugsAreExceptionsNotResults() {
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> KeRecordFramer.frame(MINIMAL_REQUEST, 4, MINIMAL_REQUEST.length));
        assertThrows(
                IllegalArgumentException.class,
                () -> KeRecordFramer.frame(MINIMAL_REQUEST, 0, 4, 3));
    }
}
