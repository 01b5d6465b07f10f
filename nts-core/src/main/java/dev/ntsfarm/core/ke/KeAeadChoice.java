package dev.ntsfarm.core.ke;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.List;
import java.util.Optional;

/** The server's pick of one AEAD from those a client offered (RFC 8915 section 4.1.5). */
public final class KeAeadChoice {

    private KeAeadChoice() {}

    /**
     * The first algorithm of {@code serverPreference} that the client offered. Section 4.1.5 makes
     * honouring the client's order optional, so the operator's order ({@code ntsaeads}) decides.
     */
    public static Optional<AeadAlgorithm> choose(
            List<Integer> clientOffer, List<AeadAlgorithm> serverPreference) {
        for (AeadAlgorithm a : serverPreference) {
            if (clientOffer.contains(a.id())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
