package dev.ntsfarm.control;

/**
 * One line of chronyc 4.3's {@code clients}: NTP and command requests from one address.
 *
 * @param address the client's address
 * @param ntpHits NTP requests
 * @param ntpDrops NTP requests dropped by the rate limit
 * @param ntpInterval log2 of the average interval between requests, {@link #UNKNOWN} when unknown
 * @param ntpPenalty log2 of the rate limit's penalty interval ({@link #UNKNOWN}: none)
 * @param ntpLast seconds since the last NTP request, -1 when none
 * @param cmdHits control calls
 * @param cmdDrops control calls refused
 * @param cmdInterval log2 of their average interval, {@link #UNKNOWN} when unknown
 * @param cmdLast seconds since the last control call, -1 when none
 */
public record ClientReport(
        String address,
        long ntpHits,
        long ntpDrops,
        int ntpInterval,
        int ntpPenalty,
        long ntpLast,
        long cmdHits,
        long cmdDrops,
        int cmdInterval,
        long cmdLast) {
    /** chrony's "no interval" (INVALID_RATE, printed as "-"). */
    public static final int UNKNOWN = 127;
}
