package dev.ntsfarm.control.impl;

import dev.ntsfarm.control.ClientReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command columns of chronyc's {@code clients}: per caller address, the control calls served
 * and refused, their average interval and the time of the last. Bounded: the least recent caller
 * goes first.
 */
final class CommandClients {

    /** Addresses remembered (chronyd's clientloglimit bounds its table too). */
    static final int MAX_CLIENTS = 1024;

    private static final class Caller {
        long hits;
        long drops;
        long lastMillis;

        /**
         * Exponential average of the interval between calls, seconds; negative until a second call.
         */
        double interval = -1;
    }

    private final LinkedHashMap<String, Caller> byAddress =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Caller> eldest) {
                    return size() > MAX_CLIENTS;
                }
            };

    synchronized void record(String address, boolean refused, long nowMillis) {
        Caller e = byAddress.computeIfAbsent(address, a -> new Caller());
        if (e.hits + e.drops > 0) {
            double since = Math.max(0, (nowMillis - e.lastMillis) / 1000.0);
            e.interval = e.interval < 0 ? since : e.interval * 0.75 + since * 0.25;
        }
        if (refused) {
            e.drops++;
        } else {
            e.hits++;
        }
        e.lastMillis = nowMillis;
    }

    /**
     * The rows of {@code ntp}, with the command columns filled in, and a row for every other
     * caller.
     */
    synchronized List<ClientReport> merge(List<ClientReport> ntp, long nowMillis) {
        Map<String, Caller> rest = new HashMap<>(byAddress);
        List<ClientReport> rows = new ArrayList<>();
        for (ClientReport r : ntp) {
            Caller e = rest.remove(r.address());
            rows.add(
                    e == null
                            ? r
                            : new ClientReport(
                                    r.address(),
                                    r.ntpHits(),
                                    r.ntpDrops(),
                                    r.ntpInterval(),
                                    r.ntpPenalty(),
                                    r.ntpLast(),
                                    e.hits,
                                    e.drops,
                                    log2(e.interval),
                                    (nowMillis - e.lastMillis) / 1000));
        }
        for (Map.Entry<String, Caller> m : rest.entrySet()) {
            Caller e = m.getValue();
            rows.add(
                    new ClientReport(
                            m.getKey(),
                            0,
                            0,
                            ClientReport.UNKNOWN,
                            ClientReport.UNKNOWN,
                            -1,
                            e.hits,
                            e.drops,
                            log2(e.interval),
                            (nowMillis - e.lastMillis) / 1000));
        }
        return rows;
    }

    /** chrony's rate: log2 of the interval, rounded; unknown before a second call. */
    static int log2(double seconds) {
        if (seconds < 0) {
            return ClientReport.UNKNOWN;
        }
        return (int) Math.round(Math.log(Math.max(seconds, 1.0 / 64)) / Math.log(2));
    }
}
