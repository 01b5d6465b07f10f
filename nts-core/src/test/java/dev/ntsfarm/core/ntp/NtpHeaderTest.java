package dev.ntsfarm.core.ntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NtpHeaderTest {

    // a chronyd 4.3 client request (ntpdate-like, no extension fields), transmit timestamp random
    private static final byte[] CLIENT_REQUEST =
            HexFormat.of()
                    .parseHex(
                            "230000200000000000000000000000000000000000000000000000000000000000000000000000004d2ee4b1f1a08c21");

    @Test
    void readsAChronydRequest() {
        NtpHeader h = ((NtpHeader.Read.Parsed) NtpHeader.read(CLIENT_REQUEST, 0, 48)).header();
        assertEquals(LeapIndicator.NO_WARNING, h.leap());
        assertEquals(4, h.version());
        assertEquals(NtpMode.CLIENT, h.mode());
        assertEquals(0, h.stratum());
        assertEquals(0, h.poll());
        assertEquals(32, h.precision());
        assertEquals(0x4d2ee4b1f1a08c21L, h.transmitTimestamp().bits());
        assertNull(h.kissCode());
    }

    @Test
    void shortSliceIsTruncatedNotAnException() {
        assertEquals(new NtpHeader.Read.Truncated(47), NtpHeader.read(CLIENT_REQUEST, 1, 47));
        assertEquals(new NtpHeader.Read.Truncated(0), NtpHeader.read(new byte[0], 0, 0));
    }

    @Test
    void kissCodesAreTheirAsciiLetters() {
        assertEquals(0x4e54534e, KissCode.NTSN.referenceId()); // "NTSN", RFC 8915 section 5.7
        assertEquals(0x52415445, KissCode.RATE.referenceId());
        assertEquals(KissCode.DENY, KissCode.ofReferenceId(0x44454e59));
        assertNull(KissCode.ofReferenceId(0x7f000001));
    }

    @Property
    void writeThenReadIsIdentity(
            @ForAll @IntRange(max = 3) int leap,
            @ForAll @IntRange(max = 7) int version,
            @ForAll @IntRange(max = 7) int mode,
            @ForAll @IntRange(max = 255) int stratum,
            @ForAll byte poll,
            @ForAll byte precision,
            @ForAll int delay,
            @ForAll int dispersion,
            @ForAll int refId,
            @ForAll @Size(4) long[] ts,
            @ForAll @IntRange(max = 16) int off) {
        NtpHeader h =
                new NtpHeader(
                        LeapIndicator.of(leap),
                        version,
                        NtpMode.of(mode),
                        stratum,
                        poll,
                        precision,
                        new NtpShort(delay),
                        new NtpShort(dispersion),
                        refId,
                        new NtpTimestamp(ts[0]),
                        new NtpTimestamp(ts[1]),
                        new NtpTimestamp(ts[2]),
                        new NtpTimestamp(ts[3]));
        byte[] buf = new byte[off + 48];
        assertEquals(48, h.write(buf, off));
        NtpHeader.Read read = NtpHeader.read(buf, off, 48);
        assertEquals(h, assertInstanceOf(NtpHeader.Read.Parsed.class, read).header());
        assertEquals(version, NtpHeader.version(buf, off));
        assertEquals(ts[3], NtpHeader.transmitTimestamp(buf, off));
        byte[] again = new byte[48];
        h.write(again, 0);
        assertEquals(HexFormat.of().formatHex(buf, off, off + 48), HexFormat.of().formatHex(again));
    }
}
