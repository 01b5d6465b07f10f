package dev.ntsfarm.core.ke;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** What a server makes of a client's NTS-KE request ({@link KeRequest#validate}). */
public sealed interface KeRequestVerdict {

    /**
     * A well-formed request that offers NTPv4.
     *
     * @param protocols the Next Protocol ids offered, NTPv4 among them
     * @param aeadIds the AEAD ids offered, in the client's order, unknown ones included
     * @param server the NTPv4 server the client asked for, if any (section 4.1.7)
     * @param port the NTPv4 port the client asked for, if any (section 4.1.8)
     * @param compliantGcmSiv the client sent record 1024: it derives AES-128-GCM-SIV keys with id
     *     30
     */
    record Accepted(
            List<Integer> protocols,
            List<Integer> aeadIds,
            Optional<String> server,
            OptionalInt port,
            boolean compliantGcmSiv)
            implements KeRequestVerdict {
        public Accepted {
            protocols = List.copyOf(protocols);
            aeadIds = List.copyOf(aeadIds);
        }

        /** The AEAD to use, chosen by {@link KeAeadChoice#choose}, or empty when none is shared. */
        public Optional<AeadAlgorithm> chooseAead(List<AeadAlgorithm> serverPreference) {
            return KeAeadChoice.choose(aeadIds, serverPreference);
        }

        /**
         * Whether keys for {@code chosen} come from the compliant exporter context and record 1024
         * is echoed.
         */
        public boolean compliantExport(AeadAlgorithm chosen) {
            return compliantGcmSiv && chosen == AeadAlgorithm.AES_128_GCM_SIV;
        }
    }

    /**
     * A well-formed request that does not offer NTPv4: the answer is an empty Next Protocol record
     * (section 4.1.2), not an Error.
     */
    record NoCommonProtocol(List<Integer> protocols) implements KeRequestVerdict {
        public NoCommonProtocol {
            protocols = List.copyOf(protocols);
        }
    }

    /** The request breaks section 4; answer with an Error record carrying {@code error}. */
    record Rejected(KeErrorCode error, String reason) implements KeRequestVerdict {}
}
