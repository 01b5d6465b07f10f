package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import java.util.Objects;

/**
 * What a reply says about the server's clock (RFC 5905 section 7.3): the values chronyd takes from
 * its reference module, and that the host's clock agent will feed over gRPC.
 *
 * @param leap leap indicator; {@link LeapIndicator#UNSYNCHRONIZED} when there is no time to serve
 * @param stratum the server's stratum, 1 to 16; 16 (unsynchronised) goes on the wire as 0, as
 *     chronyd sends it
 * @param referenceId the reference id (the upstream's address or refid, {@code 0x7F7F0101} for
 *     {@code local})
 * @param referenceTimestamp when the clock was last set or corrected
 * @param rootDelay round-trip delay to the primary reference
 * @param rootDispersion dispersion to the primary reference
 */
public record SyncState(
        LeapIndicator leap,
        int stratum,
        int referenceId,
        NtpTimestamp referenceTimestamp,
        NtpShort rootDelay,
        NtpShort rootDispersion) {

    /** NTP's unsynchronised stratum (RFC 5905 section 7.3). */
    public static final int MAX_STRATUM = 16;

    /** The reference id chronyd uses for {@code local}: 127.127.1.1. */
    public static final int REFID_LOCAL = 0x7F7F_0101;

    /** The reference id of an unsynchronised server. */
    public static final int REFID_UNSYNC = 0;

    public SyncState {
        Objects.requireNonNull(leap, "leap");
        Objects.requireNonNull(referenceTimestamp, "referenceTimestamp");
        Objects.requireNonNull(rootDelay, "rootDelay");
        Objects.requireNonNull(rootDispersion, "rootDispersion");
        if (stratum < 1 || stratum > MAX_STRATUM) {
            throw new IllegalArgumentException(
                    "stratum " + stratum + " (expected: 1.." + MAX_STRATUM + ")");
        }
    }

    /** The stratum as it goes on the wire: 16 and above become 0 (RFC 5905 figure 11). */
    public int wireStratum() {
        return stratum >= MAX_STRATUM ? 0 : stratum;
    }

    /**
     * What chronyd 4.3 sends with no source and no {@code local} ({@code REF_GetReferenceParams}):
     * leap 3, stratum 16 (0 on the wire), reference id 0, reference time 0, root delay and
     * dispersion 1 s.
     */
    public static final SyncState UNSYNCHRONISED =
            new SyncState(
                    LeapIndicator.UNSYNCHRONIZED,
                    MAX_STRATUM,
                    REFID_UNSYNC,
                    NtpTimestamp.ZERO,
                    NtpShort.ofSeconds(1.0),
                    NtpShort.ofSeconds(1.0));
}
