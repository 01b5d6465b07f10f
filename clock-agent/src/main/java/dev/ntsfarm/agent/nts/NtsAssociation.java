package dev.ntsfarm.agent.nts;

import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.nts.NtsClientResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The NTS state of one source: keys, the cookie jar, and when to run NTS-KE again. Pure state, driven
 * by the source on its event loop; NTS-KE itself runs elsewhere and reports back.
 *
 * <p>RFC 8915 section 5.7: after a NAK the client keeps polling with the cookies it still has while it
 * runs a new NTS-KE; failed NTS-KE sessions back off exponentially. {@code ntsrefresh} renews the keys
 * when they are older than the refresh interval.
 */
public final class NtsAssociation {

    /** chrony's {@code ntsrefresh} default: two weeks. */
    public static final long DEFAULT_REFRESH_SECONDS = 1_209_600;
    /** First retry after a failed NTS-KE, doubling up to {@link #MAX_BACKOFF_SECONDS}. */
    public static final long MIN_BACKOFF_SECONDS = 2;
    public static final long MAX_BACKOFF_SECONDS = 1024;

    private final String keHost;
    private final int kePort;
    private final int configuredNtpPort;
    private final long refreshSeconds;
    private final Path dumpDir;
    private final CookieJar jar = new CookieJar();

    private SessionKeys keys;
    private SessionKeys alternateKeys;
    private String ntpServer;
    private int ntpPort;
    private long contextId;
    private long keUnixSeconds = Long.MIN_VALUE;
    private boolean nakSeen;
    private boolean keRunning;
    private int failedAttempts;
    private long nextAttemptUnixSeconds;
    private long naks;

    public NtsAssociation(String keHost, int kePort, int configuredNtpPort, long refreshSeconds, Path dumpDir) {
        this.keHost = keHost;
        this.kePort = kePort;
        this.configuredNtpPort = configuredNtpPort;
        this.refreshSeconds = refreshSeconds;
        this.dumpDir = dumpDir;
        this.ntpServer = keHost;
        this.ntpPort = configuredNtpPort;
    }

    /** Loads a saved association from {@code ntsdumpdir}; true when there was a usable one. */
    public boolean loadDump() {
        if (dumpDir == null) {
            return false;
        }
        Optional<NtsDump> d = NtsDump.load(dumpDir, keHost, kePort);
        d.ifPresent(dump -> {
            keys = dump.keys();
            alternateKeys = dump.alternateKeys();
            ntpServer = dump.ntpServer();
            ntpPort = dump.ntpPort();
            contextId = dump.contextId();
            keUnixSeconds = dump.keUnixSeconds();
            jar.fill(dump.cookies());
        });
        return d.isPresent();
    }

    /** Saves the association to {@code ntsdumpdir}, if configured and there is something to save. */
    public void saveDump() throws IOException {
        if (dumpDir != null && keys != null && jar.size() > 0) {
            new NtsDump(keHost, kePort, contextId, keUnixSeconds, keys, alternateKeys, ntpServer, ntpPort,
                    jar.snapshot()).save(dumpDir);
        }
    }

    /** Whether an NTS-KE session should start now. */
    public boolean needsKeyEstablishment(long nowUnixSeconds) {
        if (keRunning || nowUnixSeconds < nextAttemptUnixSeconds) {
            return false;
        }
        return keys == null || jar.size() == 0 || nakSeen
                || (keUnixSeconds != Long.MIN_VALUE && nowUnixSeconds - keUnixSeconds >= refreshSeconds);
    }

    public void keyEstablishmentStarted() {
        keRunning = true;
    }

    public void keyEstablishmentSucceeded(NtsKeResult r, long nowUnixSeconds) {
        keRunning = false;
        keys = r.keys();
        alternateKeys = r.alternateKeys();
        ntpServer = r.ntpServer();
        ntpPort = r.ntpPort();
        jar.fill(r.cookies());
        contextId++;
        keUnixSeconds = nowUnixSeconds;
        nakSeen = false;
        failedAttempts = 0;
        nextAttemptUnixSeconds = 0;
    }

    public void keyEstablishmentFailed(long nowUnixSeconds) {
        keRunning = false;
        failedAttempts++;
        long backoff = Math.min(MAX_BACKOFF_SECONDS, MIN_BACKOFF_SECONDS << Math.min(20, failedAttempts - 1));
        nextAttemptUnixSeconds = nowUnixSeconds + backoff;
    }

    /** A request using the next cookie, or empty when there is no cookie or no keys yet. */
    public Optional<NtsClientRequest> nextRequest(int poll, NonceSource random, long transmitBits) {
        if (keys == null) {
            return Optional.empty();
        }
        byte[] cookie = jar.take();
        if (cookie == null) {
            return Optional.empty();
        }
        return Optional.of(NtsClientRequest.builder().cookie(cookie).placeholders(jar.placeholdersWanted())
                .keys(keys).random(random).transmitTimestamp(transmitBits).poll(poll).build());
    }

    /** Checks a reply; on success the new cookies go into the jar, on a NAK a new NTS-KE is due. */
    public NtsClientResponse.Result acceptReply(byte[] buf, int off, int len, NtsClientRequest request) {
        NtsClientResponse.Result r = NtsClientResponse.verify(buf, off, len, request, keys);
        switch (r) {
            case NtsClientResponse.Result.Verified v -> jar.add(v.cookies());
            case NtsClientResponse.Result.Nak n -> {
                naks++;
                if (alternateKeys != null) {
                    // The server did not echo record 1024 yet may be compliant: try the other context.
                    keys = alternateKeys;
                    alternateKeys = null;
                } else {
                    nakSeen = true;
                }
            }
            case NtsClientResponse.Result.Rejected ignored -> {
            }
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

    public long contextId() {
        return contextId;
    }

    public long keUnixSeconds() {
        return keUnixSeconds;
    }

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

    @Override
    public String toString() {
        return "NtsAssociation[" + keHost + ":" + kePort + ", " + jar + ", context=" + contextId + "]";
    }
}
