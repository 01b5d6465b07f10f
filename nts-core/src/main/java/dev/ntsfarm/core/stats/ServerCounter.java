package dev.ntsfarm.core.stats;

/**
 * The server's outcomes, each counted once. The first eleven are chronyc 4.3's {@code serverstats}
 * lines, in its order and with its labels; the rest are what a farm adds.
 */
public enum ServerCounter {
    NTP_PACKETS_RECEIVED("NTP packets received"),
    NTP_PACKETS_DROPPED("NTP packets dropped"),
    COMMAND_PACKETS_RECEIVED("Command packets received"),
    COMMAND_PACKETS_DROPPED("Command packets dropped"),
    CLIENT_LOG_RECORDS_DROPPED("Client log records dropped"),
    NTS_KE_CONNECTIONS_ACCEPTED("NTS-KE connections accepted"),
    NTS_KE_CONNECTIONS_DROPPED("NTS-KE connections dropped"),
    AUTHENTICATED_NTP_PACKETS("Authenticated NTP packets"),
    INTERLEAVED_NTP_PACKETS("Interleaved NTP packets"),
    NTP_TIMESTAMPS_HELD("NTP timestamps held"),
    NTP_TIMESTAMP_SPAN("NTP timestamp span"),
    NTS_NAKS_SENT("NTS NAKs sent"),
    KISS_RATE_SENT("Rate kiss-o'-death sent");

    private final String label;

    ServerCounter(String label) {
        this.label = label;
    }

    /** The label chronyc prints for this counter. */
    public String label() {
        return label;
    }
}
