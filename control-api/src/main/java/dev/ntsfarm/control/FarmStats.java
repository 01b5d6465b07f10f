package dev.ntsfarm.control;

import dev.ntsfarm.core.stats.ServerCounter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The farm's counters: each process's, as it last published them, and how many entries of the
 * cluster's table were damaged or foreign and so left out.
 */
public record FarmStats(List<MemberStats> members, int ignoredEntries) {

    public FarmStats {
        members = List.copyOf(members);
    }

    /** One process's counters. */
    public record MemberStats(
            String member, boolean local, long ageMillis, Map<ServerCounter, Long> counters) {
        public MemberStats {
            counters = Map.copyOf(counters);
        }
    }

    /** The sum over every process. */
    public Map<ServerCounter, Long> total() {
        Map<ServerCounter, Long> sum = new EnumMap<>(ServerCounter.class);
        for (ServerCounter c : ServerCounter.values()) {
            sum.put(c, 0L);
        }
        for (MemberStats m : members) {
            m.counters().forEach((c, v) -> sum.merge(c, v, Long::sum));
        }
        return sum;
    }
}
