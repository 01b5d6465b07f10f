package dev.ntsfarm.agent.source;

import dev.ntsfarm.agent.nts.NtsKeClient;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.keyfile.KeyFile;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What every source shares: the clock it timestamps with, randomness, keys, the NTS-KE client and
 * where NTS state is kept. Passed in, so tests can give a simulated clock.
 *
 * @param localUnixNanos  the local clock, Unix nanoseconds
 * @param keyFile         the {@code keyfile}, or {@code null}
 * @param keClient        the NTS-KE client, or {@code null} when no source uses NTS
 * @param aeads           AEADs offered in NTS-KE, preferred first
 * @param refreshSeconds  {@code ntsrefresh}
 * @param dumpDir         {@code ntsdumpdir}, or {@code null}
 * @param peerPort        the local port of symmetric peers ({@code port}), 0 for an ephemeral one
 * @param log             where a source reports what happens to it
 * @param syncState       the agent's own synchronisation, which symmetric peers are told
 */
public record SourceContext(LongSupplier localUnixNanos, NonceSource random, KeyFile keyFile, NtsKeClient keClient,
                            List<AeadAlgorithm> aeads, long refreshSeconds, Path dumpDir, int peerPort,
                            Consumer<String> log, java.util.function.Supplier<dev.ntsfarm.agent.Tracking> syncState) {

    public SourceContext {
        aeads = List.copyOf(aeads);
    }

    /** The system's real-time clock in Unix nanoseconds. */
    public static long systemUnixNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
