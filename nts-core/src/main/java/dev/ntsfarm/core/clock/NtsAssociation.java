package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.nts.NtsClientResponse;
import java.util.List;

/**
 * The NTS state of one source (RFC 8915): keys, the cookie jar, where NTP goes, and when to run
 * NTS-KE again. Pure state; the agent runs NTS-KE and hands the result in.
 *
 * <p>RFC 8915 section 5.7: after a NAK the client keeps polling with the cookies it still has while
 * it runs a new NTS-KE; failed NTS-KE sessions back off exponentially; {@code ntsrefresh} renews
 * the keys when they are older than the refresh interval. Times are Unix seconds of the local
 * clock.
 */
public final class NtsAssociation {

    /** chrony's {@code ntsrefresh} default: two weeks. */
    public static final long DEFAULT_REFRESH_SECONDS = 1_209_600;

    /** First retry after a failed NTS-KE, doubling up to {@link #MAX_BACKOFF_SECONDS}. */
    public static final long MIN_BACKOFF_SECONDS = 2;

    public static final long MAX_BACKOFF_SECONDS = 1024;

    /** No NTS-KE yet. */
    public static final long NEVER = Long.MIN_VALUE;

    private final String keHost;
    private final int kePort;
    private final int configuredNtpPort;
    private final long refreshSeconds;
    private final CookieJar jar = new CookieJar();

    private SessionKeys keys;
    private SessionKeys alternateKeys;
    private String ntpServer;
    private int ntpPort;
    private long contextId;
    private long keUnixSeconds = NEVER;
    private boolean nakSeen;
    private boolean keRunning;
    private int failedAttempts;
    private long nextAttemptUnixSeconds;
    private long naks;
    private String lastError = "";

    /**
     * @param keHost the NTS-KE server (the {@code server} line's host)
     * @param kePort its {@code ntsport}
     * @param configuredNtpPort the {@code port}, used until Port Negotiation names another
     * @param refreshSeconds {@code ntsrefresh}
     */
    public NtsAssociation(String keHost, int kePort, int configuredNtpPort, long refreshSeconds) {
        this.keHost = keHost;
        this.kePort = kePort;
        this.configuredNtpPort = configuredNtpPort;
        this.refreshSeconds = refreshSeconds;
        this.ntpServer = keHost;
        this.ntpPort = configuredNtpPort;
    }

    /**
     * What an NTS-KE session gave (or a dump kept): the keys, the cookies and where NTP goes.
     *
     * @param keys the C2S and S2C keys under the negotiated AEAD
     * @param alternateKeys keys exported with the compliant GCM-SIV context, to try after a NAK
     *     when the server did not say which context it uses; null otherwise
     * @param cookies the cookies, oldest first
     * @param ntpServer the NTP server named by Server Negotiation, or the NTS-KE host
     * @param ntpPort the NTP port named by Port Negotiation, or the configured one
     */
    public record Session(
            SessionKeys keys,
            SessionKeys alternateKeys,
            List<byte[]> cookies,
            String ntpServer,
            int ntpPort) {
        public Session {
            cookies = cookies.stream().map(byte[]::clone).toList();
        }

        /** Ids, counts and lengths only: keys and cookies never reach a log. */
        @Override
        public String toString() {
            return "Session[aead="
                    + keys.algorithm()
                    + ", cookies="
                    + cookies.size()
                    + ", ntp="
                    + ntpServer
                    + ":"
                    + ntpPort
                    + "]";
        }
    }

    /** Takes a saved association (from {@code ntsdumpdir}) as if its NTS-KE had just run. */
    public void restore(Session saved, long contextId, long keUnixSeconds) {
        keys = saved.keys();
        alternateKeys = saved.alternateKeys();
        ntpServer = saved.ntpServer();
        ntpPort = saved.ntpPort();
        this.contextId = contextId;
        this.keUnixSeconds = keUnixSeconds;
        jar.fill(saved.cookies());
    }

    /** The state worth saving, or null when there is nothing to poll with. */
    public Session snapshot() {
        if (keys == null || jar.size() == 0) {
            return null;
        }
        return new Session(keys, alternateKeys, jar.snapshot(), ntpServer, ntpPort);
    }

    /** Whether an NTS-KE session should start now. */
    public boolean needsKeyEstablishment(long nowUnixSeconds) {
        if (keRunning || nowUnixSeconds < nextAttemptUnixSeconds) {
            return false;
        }
        return keys == null
                || jar.size() == 0
                || nakSeen
                || (keUnixSeconds != NEVER && nowUnixSeconds - keUnixSeconds >= refreshSeconds);
    }

    /** Whether a request can be made now: keys and a cookie. */
    public boolean ready() {
        return keys != null && jar.size() > 0;
    }

    public boolean keyEstablishmentRunning() {
        return keRunning;
    }

    public void keyEstablishmentStarted() {
        keRunning = true;
    }

    public void keyEstablishmentSucceeded(Session s, long nowUnixSeconds) {
        keRunning = false;
        keys = s.keys();
        alternateKeys = s.alternateKeys();
        ntpServer = s.ntpServer();
        ntpPort = s.ntpPort();
        jar.fill(s.cookies());
        contextId++;
        keUnixSeconds = nowUnixSeconds;
        nakSeen = false;
        failedAttempts = 0;
        nextAttemptUnixSeconds = 0;
        lastError = "";
    }

    public void keyEstablishmentFailed(long nowUnixSeconds, String why) {
        keRunning = false;
        failedAttempts++;
        nextAttemptUnixSeconds = nowUnixSeconds + backoffSeconds(failedAttempts);
        lastError = why;
    }

    /** Seconds before NTS-KE is tried again after {@code failures} failures in a row. */
    public static long backoffSeconds(int failures) {
        return Math.min(
                MAX_BACKOFF_SECONDS,
                MIN_BACKOFF_SECONDS << Math.min(20, Math.max(0, failures - 1)));
    }

    /** A request using the next cookie; call only when {@link #ready()}. */
    public NtsClientRequest nextRequest(int poll, NonceSource random, long transmitBits) {
        return nextRequest(poll, random, transmitBits, 0, 0);
    }

    /**
     * A request using the next cookie, interleaved when {@code originBits} (the server's receive
     * timestamp of its last reply) is not zero; call only when {@link #ready()}.
     */
    public NtsClientRequest nextRequest(
            int poll, NonceSource random, long transmitBits, long originBits, long receiveBits) {
        byte[] cookie = jar.take();
        NtsClientRequest.Builder b =
                NtsClientRequest.builder()
                        .cookie(cookie)
                        .placeholders(jar.placeholdersWanted())
                        .keys(keys)
                        .random(random)
                        .transmitTimestamp(transmitBits)
                        .poll(poll);
        if (originBits != 0) {
            b.interleaved(originBits, receiveBits);
        }
        return b.build();
    }

    /** Checks a reply; on success the new cookies go into the jar, on a NAK a new NTS-KE is due. */
    public NtsClientResponse.Result acceptReply(
            byte[] buf, int off, int len, NtsClientRequest request) {
        NtsClientResponse.Result r = NtsClientResponse.verify(buf, off, len, request, keys);
        switch (r) {
            case NtsClientResponse.Result.Verified v -> jar.add(v.cookies());
            case NtsClientResponse.Result.Nak n -> {
                naks++;
                if (alternateKeys != null) {
                    // The server did not echo record 1024 yet may be compliant: try the other
                    // context.
                    keys = alternateKeys;
                    alternateKeys = null;
                } else {
                    nakSeen = true;
                }
            }
            case NtsClientResponse.Result.Rejected ignored -> {}
        }
        return r;
    }

    /** Where NTP goes: the Server Negotiation name, or the NTS-KE host. */
    public String ntpServer() {
        return ntpServer;
    }

    public int ntpPort() {
        return ntpPort;
    }

    public int configuredNtpPort() {
        return configuredNtpPort;
    }

    public SessionKeys keys() {
        return keys;
    }

    /** chronyc's authdata KeyID: NTS-KE sessions that succeeded (or the dump's count). */
    public long contextId() {
        return contextId;
    }

    /** When the keys were established, Unix seconds, or {@link #NEVER}. */
    public long keUnixSeconds() {
        return keUnixSeconds;
    }

    /** chronyc's authdata Atmp: NTS-KE failures in a row. */
    public int failedAttempts() {
        return failedAttempts;
    }

    public long naks() {
        return naks;
    }

    public int cookies() {
        return jar.size();
    }

    public int cookieLength() {
        return jar.cookieLength();
    }

    public String keHost() {
        return keHost;
    }

    public int kePort() {
        return kePort;
    }

    /** Why the last NTS-KE failed, empty when it did not. */
    public String lastError() {
        return lastError;
    }

    @Override
    public String toString() {
        return "NtsAssociation["
                + keHost
                + ":"
                + kePort
                + ", "
                + jar
                + ", context="
                + contextId
                + "]";
    }
}
