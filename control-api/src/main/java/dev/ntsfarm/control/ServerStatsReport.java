package dev.ntsfarm.control;

import dev.ntsfarm.core.stats.ServerCounter;
import java.util.Map;
import java.util.StringJoiner;

/**
 * chronyc 4.3's {@code serverstats} text: one {@code LABEL: VALUE} line a counter, the label padded to
 * 27 characters (the width of "NTS-KE connections accepted"), in chronyc's order; the farm's own
 * counters follow in the same form. The CSV form is the values alone, comma separated, on one line.
 */
public final class ServerStatsReport {

    /** chronyc's label column width ({@code "%-27s: %lu"}). */
    public static final int LABEL_WIDTH = 27;

    private ServerStatsReport() {
    }

    public static String text(Map<ServerCounter, Long> counters) {
        StringBuilder sb = new StringBuilder();
        for (ServerCounter c : ServerCounter.values()) {
            sb.append(String.format("%-" + LABEL_WIDTH + "s: %d%n", c.label(), counters.getOrDefault(c, 0L)));
        }
        return sb.toString();
    }

    public static String csv(Map<ServerCounter, Long> counters) {
        StringJoiner j = new StringJoiner(",", "", System.lineSeparator());
        for (ServerCounter c : ServerCounter.values()) {
            j.add(Long.toString(counters.getOrDefault(c, 0L)));
        }
        return j.toString();
    }
}
