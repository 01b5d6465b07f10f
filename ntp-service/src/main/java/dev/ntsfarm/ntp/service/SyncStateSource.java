package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.config.LocalDirective;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;

/**
 * Where the responder learns its clock's state for every reply. The clock agent on the host feeds
 * one over gRPC (stratum + 1, reference id, root delay and dispersion, leap); without an agent it
 * is {@link #localStratum} when {@code local stratum N} is configured and {@link #unsynchronised}
 * otherwise.
 *
 * <p>Called on the hot path for every request: an implementation answers from memory (a volatile
 * read), never blocks and, once warm, allocates nothing; returning the same instance while nothing
 * changes lets the responder reuse what it built from it.
 */
@FunctionalInterface
public interface SyncStateSource {

    /** The state to serve at {@code nowNtp} (NTP timestamp bits). */
    SyncState current(long nowNtp);

    /** No time to serve: what chronyd sends without a source and without {@code local}. */
    static SyncStateSource unsynchronised() {
        return now -> SyncState.UNSYNCHRONISED;
    }

    /**
     * chronyd's {@code local stratum N} with no source: leap 0, stratum N, reference id
     * 127.127.1.1, root delay and dispersion 0, and a reference time kept between 1 and 64 s behind
     * now (chrony moves it forward when it is more than 64 s old, so the transmit time never
     * precedes it).
     */
    static SyncStateSource localStratum(int stratum) {
        if (stratum < 1 || stratum >= LocalDirective.MAX_STRATUM) {
            throw new IllegalArgumentException(
                    "local stratum "
                            + stratum
                            + " (expected: 1.."
                            + (LocalDirective.MAX_STRATUM - 1)
                            + ")");
        }
        return new LocalReference(stratum);
    }

    /** {@code local stratum N}: the local clock as the reference. */
    final class LocalReference implements SyncStateSource {
        /** chrony's LOCAL_REF_UPDATE_INTERVAL, in NTP timestamp units. */
        private static final long UPDATE_INTERVAL = 64L << 32;

        private static final long ONE_SECOND = 1L << 32;

        private final int stratum;
        private volatile SyncState state;

        private LocalReference(int stratum) {
            this.stratum = stratum;
        }

        @Override
        public SyncState current(long nowNtp) {
            SyncState s = state;
            if (s != null) {
                long age = nowNtp - s.referenceTimestamp().bits();
                if (age >= ONE_SECOND && age <= UPDATE_INTERVAL) {
                    return s;
                }
            }
            s =
                    new SyncState(
                            LeapIndicator.NO_WARNING,
                            stratum,
                            SyncState.REFID_LOCAL,
                            new NtpTimestamp(nowNtp - ONE_SECOND),
                            NtpShort.ZERO,
                            NtpShort.ZERO);
            state = s; // a race only builds the same value twice
            return s;
        }

        public int stratum() {
            return stratum;
        }

        @Override
        public String toString() {
            return "SyncStateSource.LocalReference[stratum=" + stratum + "]";
        }
    }
}
