package dev.ntsfarm.farm.keys;

import dev.ntsfarm.core.cookie.MasterKeyRing;

/**
 * Where a service gets the farm's current master keys: one volatile read of an immutable snapshot,
 * safe from any thread, never blocking and never touching the network. A service building a {@code
 * CookieCodec} per event loop compares the ring it holds with {@code current()} by identity and
 * builds a new codec when they differ.
 */
@FunctionalInterface
public interface KeyRingSource {

    /** The snapshot in force now. */
    MasterKeyRing current();

    /** A source that always answers {@code ring} (tests, tools). */
    static KeyRingSource of(MasterKeyRing ring) {
        return () -> ring;
    }
}
