package dev.ntsfarm.control;

import java.util.Objects;

/**
 * One row of a per-source report: the source as configured (chronyc {@code -N} prints it), the
 * address polled (printed otherwise) and the report itself.
 *
 * @param name the name in the configuration, or the address for a pool's member
 * @param address the address polled, as text
 * @param report the row's figures
 */
public record SourceRow<R>(String name, String address, R report) {
    public SourceRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(report, "report");
    }

    /** What the first column shows: the configured name with {@code -N}, the address otherwise. */
    public String label(boolean names) {
        return names ? name : address;
    }
}
