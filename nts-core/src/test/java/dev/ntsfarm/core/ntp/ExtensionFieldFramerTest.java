package dev.ntsfarm.core.ntp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.ntp.ExtensionFieldFramer.Framing;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ExtensionFieldFramerTest {

    private static byte[] packet(int version, int extraLength) {
        byte[] p = new byte[48 + extraLength];
        p[0] = (byte) ((version << 3) | 3);
        return p;
    }

    private static Malformation malformed(byte[] p) {
        Framing f = ExtensionFieldFramer.frame(p, 0, p.length);
        return assertInstanceOf(Framing.Malformed.class, f).reason();
    }

    private static Framing.Framed framed(byte[] p) {
        return assertInstanceOf(Framing.Framed.class, ExtensionFieldFramer.frame(p, 0, p.length));
    }

    @Test
    void plainHeaderHasNoFields() {
        Framing.Framed f = framed(packet(4, 0));
        assertEquals(List.of(), f.fields());
        assertTrue(f.mac().isEmpty());
    }

    @Test
    void fieldOfLengthZeroIsMalformed() {
        byte[] p = packet(4, 32);
        assertEquals(Malformation.FIELD_TOO_SHORT, malformed(p));
    }

    @Test
    void fieldShorterThan16IsMalformed() {
        byte[] p = packet(4, 32);
        Bytes.putU16(p, 48, 0x1234);
        Bytes.putU16(p, 50, 12);
        assertEquals(Malformation.FIELD_TOO_SHORT, malformed(p));
    }

    @Test
    void fieldLengthNotMultipleOf4IsMalformed() {
        byte[] p = packet(4, 32);
        Bytes.putU16(p, 50, 30);
        assertEquals(Malformation.FIELD_LENGTH_NOT_MULTIPLE_OF_4, malformed(p));
    }

    @Test
    void fieldBeyondEndIsMalformed() {
        byte[] p = packet(4, 32);
        Bytes.putU16(p, 50, 36);
        Framing f = ExtensionFieldFramer.frame(p, 0, p.length);
        assertEquals(new Framing.Malformed(Malformation.FIELD_BEYOND_END, 48), f);
    }

    @Test
    void packetNotWholeWordsIsMalformed() {
        assertEquals(Malformation.PACKET_LENGTH_NOT_MULTIPLE_OF_4, malformed(packet(4, 2)));
        assertEquals(Malformation.PACKET_TOO_SHORT, malformed(new byte[47]));
        assertEquals(Malformation.UNSUPPORTED_VERSION, malformed(packet(5, 0)));
        assertEquals(Malformation.UNSUPPORTED_VERSION, malformed(packet(0, 0)));
    }

    @Test
    void leftoverShorterThanAFieldAndNotAMacIsMalformed() {
        assertEquals(Malformation.TRAILING_BYTES, malformed(packet(4, 8)));
        assertEquals(Malformation.TRAILING_BYTES, malformed(packet(4, 12)));
        byte[] p = packet(4, 4);
        p[51] = 1; // a non-zero key id of 4 bytes is no crypto-NAK
        assertEquals(Malformation.TRAILING_BYTES, malformed(p));
    }

    @Test
    void remainderOf20Or24IsAMac() {
        for (int macLength : new int[] {20, 24}) {
            byte[] p = packet(4, macLength);
            Bytes.putU32(p, 48, 0xDEADBEEFL);
            MacTrailer mac = framed(p).mac().orElseThrow();
            assertEquals(0xDEADBEEFL, mac.keyId());
            assertEquals(macLength - 4, mac.digestLength());
            assertEquals(52, mac.digestOffset());
        }
    }

    @Test
    void fourZeroBytesAreACryptoNak() {
        MacTrailer mac = framed(packet(4, 4)).mac().orElseThrow();
        assertTrue(mac.isCryptoNak());
    }

    @Test
    void version3CarriesOnlyAMacOfAnyLength() {
        byte[] p = packet(3, 36); // SHA256 digest: too long for NTPv4, fine for v3
        Bytes.putU32(p, 48, 7);
        Framing.Framed f = framed(p);
        assertEquals(List.of(), f.fields());
        assertEquals(32, f.mac().orElseThrow().digestLength());
    }

    @Test
    void fieldsThenMac() {
        byte[] p = packet(4, 28 + 16 + 20);
        int off = 48;
        off += ExtensionFieldWriter.write(p, off, 0x0104, new byte[] {1, 2, 3}, 0, 3, 28);
        off += ExtensionFieldWriter.writeZeroed(p, off, 0x0304, 5, 0);
        Bytes.putU32(p, off, 42);
        Framing.Framed f = framed(p);
        assertEquals(2, f.fields().size());
        RawExtensionField uid = f.fields().get(0);
        assertEquals(0x0104, uid.type());
        assertEquals(28, uid.length());
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(uid.body(), 3));
        assertEquals(0x0304, f.fields().get(1).type());
        assertEquals(16, f.fields().get(1).length());
        assertEquals(42, f.mac().orElseThrow().keyId());
    }

    @Test
    void writerPadsToFourAndToTheMinimum() {
        assertEquals(16, ExtensionField.fieldLength(0, 0));
        assertEquals(16, ExtensionField.fieldLength(12, 0));
        assertEquals(20, ExtensionField.fieldLength(13, 0));
        assertEquals(28, ExtensionField.fieldLength(13, 28));
        assertEquals(108, ExtensionField.fieldLength(104, 0));
    }

    @Provide
    Arbitrary<List<byte[]>> bodies() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(80).list().ofMaxSize(6);
    }

    @Property
    void writtenFieldsFrameBackToTheirBodies(@ForAll("bodies") List<byte[]> bodies) {
        int total = 48;
        for (byte[] b : bodies) {
            total +=
                    ExtensionField.fieldLength(
                            b.length, ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
        }
        byte[] p = packet(4, total - 48);
        int off = 48;
        for (int i = 0; i < bodies.size(); i++) {
            byte[] b = bodies.get(i);
            off +=
                    ExtensionFieldWriter.write(
                            p,
                            off,
                            0x1000 + i,
                            b,
                            0,
                            b.length,
                            ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
        }
        Framing.Framed f = framed(p);
        assertEquals(bodies.size(), f.fields().size());
        assertTrue(f.mac().isEmpty());
        for (int i = 0; i < bodies.size(); i++) {
            RawExtensionField field = f.fields().get(i);
            assertEquals(0x1000 + i, field.type());
            byte[] body = field.body();
            assertArrayEquals(bodies.get(i), Arrays.copyOf(body, bodies.get(i).length));
            for (int j = bodies.get(i).length; j < body.length; j++) {
                assertEquals(0, body[j]);
            }
        }
    }

    @Property
    void framingNeverThrows(@ForAll byte[] bytes) {
        Framing f = ExtensionFieldFramer.frame(bytes, 0, bytes.length);
        if (f instanceof Framing.Framed framed) {
            int sum = 48;
            for (RawExtensionField field : framed.fields()) {
                sum += field.length();
            }
            sum += framed.mac().map(MacTrailer::length).orElse(0);
            assertEquals(bytes.length, sum);
        }
    }
}
