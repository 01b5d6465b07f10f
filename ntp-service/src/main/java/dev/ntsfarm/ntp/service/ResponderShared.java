package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import dev.ntsfarm.core.stats.ServerStats;
import java.net.InetAddress;
import java.util.List;

/** What every event loop of one responder reads: immutable tables and thread-safe services. */
final class ResponderShared {

    final List<InetAddress> bindAddresses;
    final boolean reusePort;
    final AccessTable access;
    final ClientRateLimiter rateLimiter;
    final SymmetricKeys symmetricKeys;
    final KeyRingSource keyRing;
    final boolean hasKeyRing;
    final SyncStateSource sync;
    final NtpClock clock;
    final ServerStats stats;
    final int minPoll;
    final int precision;

    ResponderShared(List<InetAddress> bindAddresses, boolean reusePort, AccessTable access,
                    ClientRateLimiter rateLimiter, SymmetricKeys symmetricKeys, KeyRingSource keyRing,
                    boolean hasKeyRing, SyncStateSource sync, NtpClock clock, ServerStats stats, int minPoll,
                    int precision) {
        this.bindAddresses = List.copyOf(bindAddresses);
        this.reusePort = reusePort;
        this.access = access;
        this.rateLimiter = rateLimiter;
        this.symmetricKeys = symmetricKeys;
        this.keyRing = keyRing;
        this.hasKeyRing = hasKeyRing;
        this.sync = sync;
        this.clock = clock;
        this.stats = stats;
        this.minPoll = minPoll;
        this.precision = precision;
    }
}
