package dev.ntsfarm.agent.nts;

/** An NTS-KE session failed; the message says why, never with key material. */
public final class NtsKeException extends Exception {

    public NtsKeException(String message) {
        super(message);
    }

    public NtsKeException(String message, Throwable cause) {
        super(message, cause);
    }
}
