package dev.ntsfarm.control;

import java.util.List;

/**
 * The master key slots as a process holds them, and how many cluster entries failed their check and
 * were ignored. Never key material.
 */
public record KeysReport(List<Slot> slots, long damagedEntries) {

    public KeysReport {
        slots = List.copyOf(slots);
    }

    /**
     * @param slot the slot number (the cookie's key id)
     * @param ageSeconds since the slot's start; negative for one still to come
     * @param current new cookies are sealed under it
     */
    public record Slot(long slot, long ageSeconds, boolean current) {}
}
