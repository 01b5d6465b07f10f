package dev.ntsfarm.core.ntp;

/** What a responder does with one request; the reply bytes, if any, are in the caller's buffer. */
public sealed interface ServerDecision {

    /** How a reply is authenticated, for statistics. */
    enum Authentication {
        NONE,
        SYMMETRIC_KEY,
        NTS
    }

    /** Send the first {@code length} bytes of the output buffer. */
    record Respond(int length, Authentication authentication) implements ServerDecision {}

    /**
     * Send the NTS NAK (kiss-o'-death NTSN) in the first {@code length} bytes of the output buffer.
     */
    record Nak(int length, NakReason reason) implements ServerDecision {}

    /** Send nothing. */
    record Drop(DropReason reason) implements ServerDecision {
        private static final Drop[] BY_REASON = new Drop[DropReason.values().length];

        static {
            for (DropReason r : DropReason.values()) {
                BY_REASON[r.ordinal()] = new Drop(r);
            }
        }

        /** The shared instance for {@code reason}, so dropping allocates nothing. */
        public static Drop of(DropReason reason) {
            return BY_REASON[reason.ordinal()];
        }
    }
}
