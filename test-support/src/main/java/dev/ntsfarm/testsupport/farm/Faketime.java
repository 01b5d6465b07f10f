package dev.ntsfarm.testsupport.farm;

import dev.ntsfarm.testsupport.Requirements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A wall clock ahead of this host's for one process, and for it alone: libfaketime preloaded into
 * that process (Debian package {@code libfaketime}), the machine's clock untouched. Only {@code
 * CLOCK_REALTIME} and its kin move; the monotonic clocks stay real, so timeouts, sleeps and {@code
 * System.nanoTime()} keep their meaning.
 *
 * <p>{@code FAKETIME_FORCE_MONOTONIC_FIX=0} is what makes a JVM usable under libfaketime 0.9.10:
 * with the fix on, the JVM's timed waits on its {@code CLOCK_MONOTONIC} condition variables return
 * at once, every parked thread spins, and a Hazelcast member needs minutes to start instead of
 * seconds.
 */
public final class Faketime {

    public static final Path LIBRARY =
            Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    private Faketime() {}

    /** Fails the test under CI when libfaketime is missing, skips it otherwise. */
    public static void require() {
        Requirements.file(LIBRARY, "libfaketime");
    }

    /** The environment that runs a process with its wall clock {@code by} ahead of this host's. */
    public static Map<String, String> ahead(Duration by) {
        require();
        return Map.of(
                "LD_PRELOAD",
                LIBRARY.toString(),
                "FAKETIME",
                "+" + by.toSeconds() + "s",
                "FAKETIME_DONT_FAKE_MONOTONIC",
                "1",
                "FAKETIME_FORCE_MONOTONIC_FIX",
                "0");
    }
}
