package dev.ntsfarm.control;

/** chronyc's {@code activity}: how many sources are in each state. */
public record ActivityReport(
        int online, int offline, int burstOnline, int burstOffline, int unresolved) {}
