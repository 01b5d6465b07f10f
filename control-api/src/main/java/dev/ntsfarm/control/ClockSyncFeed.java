package dev.ntsfarm.control;

/**
 * The clock agent's read-only feed for the host's NTP responder ({@code
 * ntsfarm.control.v1.ClockSyncState}), served on the agent's control endpoint apart from its
 * operational service. Answers from memory.
 */
@FunctionalInterface
public interface ClockSyncFeed {
    ClockSyncState syncState();
}
