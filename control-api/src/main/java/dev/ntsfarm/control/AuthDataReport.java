package dev.ntsfarm.control;

/**
 * One row of chronyc's {@code authdata}.
 *
 * @param mode how the source authenticates
 * @param keyId SYM: the key id; NTS: the NTS-KE session's number
 * @param type SYM: chrony's hash number (MD5 1, SHA1 2, ..., AES128 13); NTS: the AEAD id
 * @param keyLength key length in bits
 * @param lastSeconds NTS: seconds since the last NTS-KE, -1 when none (chronyc prints "-")
 * @param attempts NTS: failed NTS-KE attempts since the last success
 * @param naks NTS NAKs received
 * @param cookies cookies held
 * @param cookieLength their length in bytes
 */
public record AuthDataReport(
        Mode mode,
        long keyId,
        int type,
        int keyLength,
        long lastSeconds,
        int attempts,
        long naks,
        int cookies,
        int cookieLength) {

    /** chronyc's Mode column. */
    public enum Mode {
        NONE("-"),
        SYMMETRIC("SYM"),
        NTS("NTS");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A source without authentication. */
    public static final AuthDataReport NONE =
            new AuthDataReport(Mode.NONE, 0, 0, 0, -1, 0, 0, 0, 0);
}
