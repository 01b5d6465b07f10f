package dev.ntsfarm.farm.keys;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a process's farm keys look like now, for the control plane ({@code ntsctl keys}) and
 * metrics: read from memory, never from the cluster, safe from any thread. No key material.
 *
 * @param role member (holds and repairs the seeds) or reader (a responder)
 * @param currentSlot the slot new cookies are sealed under
 * @param slots the slots whose cookies open here, ascending
 * @param rotateSeconds {@code ntsrotate}: the slot length, 0 when slots move by rekey only
 * @param damagedEntriesIgnored entries found damaged (wrong type or length, a failed MAC, a pointer
 *     past the next slot, junk keys) since start; each damaged entry counts once until it is
 *     repaired or changes again
 * @param entriesRepaired entries this process put back from its own verified copy since start
 * @param damagedEntriesNow damaged entries seen by the last look at the cluster
 * @param storeReachable whether the last look at the cluster reached it
 * @param clockFarFromFarm whether this member's clock is more than a slot ahead of the slots the
 *     farm agrees on, so it follows the cluster instead of its clock
 * @param fingerprint the first 8 bytes of the farm secret's fingerprint, in hex
 */
public record KeyRingStatus(
        FarmKeys.Role role,
        long currentSlot,
        SortedSet<Long> slots,
        long rotateSeconds,
        long damagedEntriesIgnored,
        long entriesRepaired,
        int damagedEntriesNow,
        boolean storeReachable,
        boolean clockFarFromFarm,
        String fingerprint) {

    public KeyRingStatus {
        slots = Collections.unmodifiableSortedSet(new TreeSet<>(slots));
    }
}
