package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.keyfile.SymmetricKey;

/** How a source's packets are authenticated: not at all, with a symmetric key, or with NTS. */
public sealed interface SourceAuth {

    /** Plain NTP. */
    record None() implements SourceAuth {}

    /**
     * chrony's {@code key ID}: a MAC under a key of the key file (RFC 5905 section 7.3, RFC 8573).
     */
    record Symmetric(SymmetricKey key) implements SourceAuth {}

    /** NTS (RFC 8915): keys and cookies from NTS-KE. */
    record Nts(NtsAssociation association) implements SourceAuth {}

    SourceAuth NONE = new None();
}
