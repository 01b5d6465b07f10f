package dev.ntsfarm.farm.keys;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * How the farm's master keys rotate and where they are kept, from chrony's directives plus the
 * farm's:
 *
 * <pre>
 *   ntsrotate SECONDS   slot length (chrony's default 604800, one week); 0: slots move by rekey only
 *   ntsdumpdir DIR      members dump the seeds to DIR/{@value #DUMP_FILE_NAME} and load them at start
 *   farmsecret FILE     the local farm secret (see {@link FarmSecretFile})
 * </pre>
 *
 * @param rotateSeconds slot length in seconds, 0 for none
 * @param pastSlots slots before the current one whose cookies still open ({@link
 *     #DEFAULT_PAST_SLOTS})
 * @param dumpDir where members dump the seeds, if anywhere
 * @param farmSecretFile the {@code farmsecret} file, if configured
 * @param refreshInterval how often the ring is rebuilt from the cluster even when no change is
 *     announced
 * @param clock wall clock deciding the time slot
 */
public record FarmKeyOptions(
        long rotateSeconds,
        int pastSlots,
        Optional<Path> dumpDir,
        Optional<Path> farmSecretFile,
        Duration refreshInterval,
        InstantSource clock) {

    /** chrony's {@code ntsrotate} default: a week. */
    public static final long DEFAULT_ROTATE_SECONDS = 604800;

    /** chrony keeps the two keys before the current one. */
    public static final int DEFAULT_PAST_SLOTS = 2;

    /** A timer rebuilds the ring this often besides the map's change events. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(60);

    /** The seed dump's file name inside {@code ntsdumpdir}. */
    public static final String DUMP_FILE_NAME = "ntsfarm-seeds";

    /** chrony's upper bound on {@code ntsrotate} ({@code 2^31 - 1}). */
    public static final long MAX_ROTATE_SECONDS = Integer.MAX_VALUE;

    public FarmKeyOptions {
        if (rotateSeconds < 0 || rotateSeconds > MAX_ROTATE_SECONDS) {
            throw new IllegalArgumentException(
                    "rotate " + rotateSeconds + " s (expected: 0.." + MAX_ROTATE_SECONDS + ")");
        }
        if (pastSlots < 0 || pastSlots > 64) {
            throw new IllegalArgumentException("past slots " + pastSlots + " (expected: 0..64)");
        }
        Objects.requireNonNull(dumpDir, "dumpDir");
        Objects.requireNonNull(farmSecretFile, "farmSecretFile");
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException(
                    "refresh interval " + refreshInterval + " (expected: > 0)");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** Every default, no dump, the system clock. */
    public static FarmKeyOptions defaults() {
        return new FarmKeyOptions(
                DEFAULT_ROTATE_SECONDS,
                DEFAULT_PAST_SLOTS,
                Optional.empty(),
                Optional.empty(),
                DEFAULT_REFRESH_INTERVAL,
                InstantSource.system());
    }

    /**
     * Reads {@code ntsrotate}, {@code ntsdumpdir} and {@code farmsecret}; a mistake names file and
     * line.
     */
    public static FarmKeyOptions fromConfig(Config config) throws ConfigException {
        FarmKeyOptions o = defaults();
        Optional<Directive> rotate = config.last("ntsrotate");
        if (rotate.isPresent()) {
            Directive d = rotate.get();
            d.expectArgs(1, 1);
            o =
                    o.withRotateSeconds(
                            d.integer(0, "a rotation interval in seconds", 0, Integer.MAX_VALUE));
        }
        Optional<Directive> dump = config.last("ntsdumpdir");
        if (dump.isPresent()) {
            dump.get().expectArgs(1, 1);
            o = o.withDumpDir(Path.of(dump.get().word(0, "a directory")));
        }
        Optional<Directive> secret = config.last("farmsecret");
        if (secret.isPresent()) {
            secret.get().expectArgs(1, 1);
            o = o.withFarmSecretFile(Path.of(secret.get().word(0, "a file")));
        }
        return o;
    }

    /** The seed dump file, when {@code ntsdumpdir} is set. */
    public Optional<Path> dumpFile() {
        return dumpDir.map(d -> d.resolve(DUMP_FILE_NAME));
    }

    public FarmKeyOptions withRotateSeconds(long seconds) {
        return new FarmKeyOptions(
                seconds, pastSlots, dumpDir, farmSecretFile, refreshInterval, clock);
    }

    public FarmKeyOptions withPastSlots(int past) {
        return new FarmKeyOptions(
                rotateSeconds, past, dumpDir, farmSecretFile, refreshInterval, clock);
    }

    public FarmKeyOptions withDumpDir(Path dir) {
        return new FarmKeyOptions(
                rotateSeconds, pastSlots, Optional.of(dir), farmSecretFile, refreshInterval, clock);
    }

    public FarmKeyOptions withFarmSecretFile(Path file) {
        return new FarmKeyOptions(
                rotateSeconds, pastSlots, dumpDir, Optional.of(file), refreshInterval, clock);
    }

    public FarmKeyOptions withRefreshInterval(Duration interval) {
        return new FarmKeyOptions(
                rotateSeconds, pastSlots, dumpDir, farmSecretFile, interval, clock);
    }

    public FarmKeyOptions withClock(InstantSource clock) {
        return new FarmKeyOptions(
                rotateSeconds, pastSlots, dumpDir, farmSecretFile, refreshInterval, clock);
    }
}
