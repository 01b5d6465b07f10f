package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldCursor;

/**
 * What one thread (event loop) reuses for every NTS packet so the responder allocates nothing once
 * warm: the session keys, one AEAD per algorithm (re-keyed per packet), the cursors, the buffer the
 * fresh cookies are built in, and the randomness for nonces. Not thread-safe; toString shows no keys.
 */
public final class NtsScratch {

    private static final AeadAlgorithm[] ALGORITHMS = AeadAlgorithm.values();
    /** Room for the most cookies of the longest AEAD, each in its field. */
    static final int COOKIE_BUFFER_LENGTH = NtsFieldType.MAX_COOKIES * ExtensionField.fieldLength(
            maxCookieLength(), 0);

    final SessionKeys keys = new SessionKeys();
    final ExtensionFieldCursor cursor = new ExtensionFieldCursor();
    final ExtensionFieldCursor plaintextCursor = new ExtensionFieldCursor();
    final byte[] cookies = new byte[COOKIE_BUFFER_LENGTH];
    final byte[] nonce = new byte[NtsFieldType.MIN_PADDED_NONCE_LENGTH];
    final NonceSource nonces;
    private final Aead[] aeads = new Aead[ALGORITHMS.length];

    public NtsScratch(NonceSource nonces) {
        this.nonces = nonces;
    }

    /** The thread's AEAD for {@code alg}, keyed with {@code key}. */
    Aead aead(AeadAlgorithm alg, byte[] key) {
        Aead a = aeads[alg.ordinal()];
        if (a == null) {
            a = Aead.of(alg, key);
            aeads[alg.ordinal()] = a;
        } else {
            a.init(key, 0);
        }
        return a;
    }

    static AeadAlgorithm[] algorithms() {
        return ALGORITHMS;
    }

    private static int maxCookieLength() {
        int max = 0;
        for (AeadAlgorithm a : AeadAlgorithm.values()) {
            max = Math.max(max, dev.ntsfarm.core.cookie.CookieCodec.cookieLength(a));
        }
        return max;
    }

    @Override
    public String toString() {
        return "NtsScratch[" + keys + "]";
    }
}
