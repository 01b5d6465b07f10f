package dev.ntsfarm.control;

/**
 * An operation was refused or could not be carried out; the message says why in words a user can
 * act on, and the endpoint returns it as the call's gRPC status.
 */
public final class ControlException extends RuntimeException {

    /** Why, as the gRPC status that carries it. */
    public enum Reason {
        /** The arguments are wrong (INVALID_ARGUMENT). */
        INVALID,
        /** No such source, slot or member (NOT_FOUND). */
        NOT_FOUND,
        /** Not possible in this state or configuration (FAILED_PRECONDITION). */
        REFUSED,
        /** A limit was reached (RESOURCE_EXHAUSTED). */
        LIMIT,
        /** This endpoint has no such service (UNIMPLEMENTED). */
        UNSUPPORTED
    }

    private final Reason reason;

    public ControlException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
