package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldCursor;
import dev.ntsfarm.core.ntp.ServerDecision;
import java.security.SecureRandom;

/**
 * What one thread (event loop) reuses for every NTS packet so the responder allocates nothing once
 * warm: the session keys, the AEADs bound to recent sessions' keys, the cursors, the buffer the
 * fresh cookies are built in, and the randomness for nonces. Not thread-safe; toString shows no
 * keys.
 *
 * <p>A client keeps its C2S and S2C keys for its whole NTS session (RFC 8915 section 5.7: every
 * cookie carries the same keys) and SO_REUSEPORT brings its datagrams to the same thread, so the
 * AEADs bound to the last {@code cachedSessions} sessions' keys are kept ({@link
 * SessionAeadCache}): a returning client costs no key schedule and no allocation. Memory, once
 * full, per algorithm in use: about {@code cachedSessions} x 2 x 3.6 KB for AES-SIV-CMAC-256 (7 MB
 * at the {@linkplain #DEFAULT_CACHED_SESSIONS default}), 0.5 KB an entry for AES-128-GCM-SIV.
 */
public final class NtsScratch {

    /**
     * Sessions whose two AEADs each thread keeps bound; 0 re-keys one AEAD per algorithm per use.
     */
    public static final int DEFAULT_CACHED_SESSIONS = 1024;

    /** Upper bound on {@code cachedSessions}, so the table size stays a positive power of two. */
    public static final int MAX_CACHED_SESSIONS = 1 << 20;

    private static final AeadAlgorithm[] ALGORITHMS = AeadAlgorithm.values();

    /** Room for the most cookies of the longest AEAD, each in its field. */
    static final int COOKIE_BUFFER_LENGTH =
            NtsFieldType.MAX_COOKIES * ExtensionField.fieldLength(maxCookieLength(), 0);

    final SessionKeys keys = new SessionKeys();
    final ExtensionFieldCursor cursor = new ExtensionFieldCursor();
    final ExtensionFieldCursor plaintextCursor = new ExtensionFieldCursor();
    final byte[] cookies = new byte[COOKIE_BUFFER_LENGTH];
    final byte[] nonce = new byte[NtsFieldType.MIN_PADDED_NONCE_LENGTH];
    final NonceSource nonces;

    /**
     * NTS replies longer than this get a fresh decision; every real one is shorter (8 cookies, long
     * UID).
     */
    static final int MAX_SHARED_REPLY_LENGTH = 2048;

    private final Aead[] aeads = new Aead[ALGORITHMS.length];

    /**
     * The NTS reply decision by length, made on first use: records are values, so one per length
     * serves.
     */
    private final ServerDecision.Respond[] ntsReplies =
            new ServerDecision.Respond[MAX_SHARED_REPLY_LENGTH + 1];

    private final SessionAeadCache[] caches = new SessionAeadCache[ALGORITHMS.length];
    private final int cachedSessions;

    /**
     * Places keys in the caches only, never reaches the wire, so it need not come from {@code
     * nonces}.
     */
    private final long hashSeed;

    private long uncachedBinds;

    /** A scratch keeping {@value #DEFAULT_CACHED_SESSIONS} sessions' AEADs bound. */
    public NtsScratch(NonceSource nonces) {
        this(nonces, DEFAULT_CACHED_SESSIONS);
    }

    /**
     * @param cachedSessions sessions whose C2S and S2C AEADs stay bound (two entries each, per
     *     algorithm); 0 keeps none and re-keys on every use
     * @throws IllegalArgumentException when {@code cachedSessions} is negative or above {@value
     *     #MAX_CACHED_SESSIONS}
     */
    public NtsScratch(NonceSource nonces, int cachedSessions) {
        this(nonces, cachedSessions, new SecureRandom().nextLong());
    }

    /** With a chosen hash seed, so tests place keys the same way every run. */
    NtsScratch(NonceSource nonces, int cachedSessions, long hashSeed) {
        if (cachedSessions < 0 || cachedSessions > MAX_CACHED_SESSIONS) {
            throw new IllegalArgumentException(
                    "cached sessions "
                            + cachedSessions
                            + " (expected: 0 to "
                            + MAX_CACHED_SESSIONS
                            + ")");
        }
        this.nonces = nonces;
        this.cachedSessions = cachedSessions;
        this.hashSeed = hashSeed;
    }

    /**
     * The thread's AEAD for {@code alg}, bound to {@code key}; valid until the next call, which may
     * re-bind it.
     */
    Aead aead(AeadAlgorithm alg, byte[] key) {
        if (cachedSessions == 0) {
            return rekeyed(alg, key);
        }
        SessionAeadCache cache = caches[alg.ordinal()];
        if (cache == null) {
            cache = new SessionAeadCache(alg, 2 * cachedSessions, hashSeed);
            caches[alg.ordinal()] = cache;
        }
        return cache.aead(key, 0);
    }

    private Aead rekeyed(AeadAlgorithm alg, byte[] key) {
        uncachedBinds++;
        Aead a = aeads[alg.ordinal()];
        if (a == null) {
            a = Aead.forSingleUse(alg);
            aeads[alg.ordinal()] = a;
        }
        a.init(key, 0);
        return a;
    }

    /**
     * The last NTS reply's seal, so it can be sealed again under a later transmit timestamp ({@link
     * NtsResponder#sealAgain}): its S2C AEAD (bound until the next request), header length, nonce
     * length (the nonce in {@link #nonce}) and plaintext length (the cookies in {@link #cookies});
     * {@code lastS2c} null when the last request got none.
     */
    Aead lastS2c;

    int lastHead;
    int lastNonceLength;
    int lastPlainLength;

    void lastSeal(Aead s2c, int head, int nonceLength, int plainLength) {
        lastS2c = s2c;
        lastHead = head;
        lastNonceLength = nonceLength;
        lastPlainLength = plainLength;
    }

    /**
     * The decision to send an NTS reply of {@code length} bytes, shared so answering allocates
     * nothing.
     */
    ServerDecision.Respond ntsReply(int length) {
        if (length > MAX_SHARED_REPLY_LENGTH) {
            return new ServerDecision.Respond(length, ServerDecision.Authentication.NTS);
        }
        ServerDecision.Respond r = ntsReplies[length];
        if (r == null) {
            r = new ServerDecision.Respond(length, ServerDecision.Authentication.NTS);
            ntsReplies[length] = r;
        }
        return r;
    }

    /** Sessions whose AEADs this scratch keeps bound, as constructed. */
    public int cachedSessions() {
        return cachedSessions;
    }

    /** AEAD lookups, over every algorithm, that found their key already bound. */
    public long cachedKeyHits() {
        long n = 0;
        for (SessionAeadCache c : caches) {
            n += c == null ? 0 : c.hits();
        }
        return n;
    }

    /**
     * AEAD lookups, over every algorithm, that had to bind their key (every lookup when nothing is
     * cached).
     */
    public long cachedKeyMisses() {
        long n = uncachedBinds;
        for (SessionAeadCache c : caches) {
            n += c == null ? 0 : c.misses();
        }
        return n;
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
        return "NtsScratch[" + keys + ", " + cachedSessions + " cached sessions]";
    }
}
