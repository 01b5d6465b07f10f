package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.ke.KeLimits;
import dev.ntsfarm.core.nts.NtsFieldType;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The cookies of one NTS association (RFC 8915 section 5.7): at most eight, each used once, and
 * every request carries placeholders for the ones missing so the server refills the jar.
 */
public final class CookieJar {

    /** RFC 8915 section 5.7 recommends keeping eight. */
    public static final int CAPACITY = KeLimits.MAX_COOKIES;

    private final ArrayDeque<byte[]> cookies = new ArrayDeque<>(CAPACITY);

    /** Replaces the contents (after NTS-KE, or loading a dump). */
    public void fill(List<byte[]> fresh) {
        cookies.clear();
        add(fresh);
    }

    /** Adds cookies from a reply, oldest dropped first beyond the capacity. */
    public void add(List<byte[]> fresh) {
        for (byte[] c : fresh) {
            if (cookies.size() == CAPACITY) {
                cookies.pollFirst();
            }
            cookies.addLast(c.clone());
        }
    }

    /** Takes the oldest cookie, or {@code null} when the jar is empty. */
    public byte[] take() {
        return cookies.pollFirst();
    }

    /**
     * Placeholders a request should carry after one cookie was taken: what refills the jar, at most
     * 7.
     */
    public int placeholdersWanted() {
        return Math.max(0, Math.min(NtsFieldType.MAX_PLACEHOLDERS, CAPACITY - cookies.size() - 1));
    }

    public int size() {
        return cookies.size();
    }

    /** Length of the newest cookie, 0 when empty (chronyc's {@code CLen}). */
    public int cookieLength() {
        byte[] last = cookies.peekLast();
        return last == null ? 0 : last.length;
    }

    /** Copies of the cookies, oldest first. */
    public List<byte[]> snapshot() {
        return cookies.stream().map(byte[]::clone).toList();
    }

    @Override
    public String toString() {
        return "CookieJar[" + cookies.size() + " cookies]";
    }
}
