package dev.ntsfarm.core.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of one directive, read in order as chrony reads {@code server ... iburst key 5}:
 * flags stand alone, valued options take the next word; when an option repeats, the last one
 * counts.
 */
public final class DirectiveOptions {

    private final Directive directive;
    private final Set<String> flags;
    private final Map<String, Integer> valueAt;

    private DirectiveOptions(Directive directive, Set<String> flags, Map<String, Integer> valueAt) {
        this.directive = directive;
        this.flags = flags;
        this.valueAt = valueAt;
    }

    static DirectiveOptions read(
            Directive d, int from, Set<String> knownFlags, Set<String> knownValued)
            throws ConfigException {
        Set<String> seen = new HashSet<>();
        Map<String, Integer> valueAt = new HashMap<>();
        for (int i = from; i < d.size(); i++) {
            String word = Directive.lower(d.args().get(i));
            if (knownFlags.contains(word)) {
                seen.add(word);
            } else if (knownValued.contains(word)) {
                if (i + 1 >= d.size()) {
                    throw d.fail("expected a value after '" + word + "', got nothing");
                }
                valueAt.put(word, ++i);
            } else {
                TreeSet<String> expected = new TreeSet<>(knownFlags);
                expected.addAll(knownValued);
                throw d.fail(
                        "unknown option '"
                                + d.args().get(i)
                                + "' (expected one of "
                                + String.join(", ", expected)
                                + ")");
            }
        }
        return new DirectiveOptions(d, Set.copyOf(seen), Map.copyOf(valueAt));
    }

    /** Whether flag {@code name} was given. */
    public boolean flag(String name) {
        return flags.contains(name);
    }

    /** The value of option {@code name}, if given. */
    public Optional<String> option(String name) {
        Integer at = valueAt.get(name);
        return at == null ? Optional.empty() : Optional.of(directive.args().get(at));
    }

    /**
     * Option {@code name} as an integer within {@code [min, max]}, or {@code otherwise} when
     * absent.
     */
    public int option(String name, String what, int min, int max, int otherwise)
            throws ConfigException {
        Integer at = valueAt.get(name);
        return at == null
                ? otherwise
                : directive.checkInteger(
                        directive.args().get(at), what, min, max, " after '" + name + "'");
    }

    /** Option {@code name} as an unsigned 32-bit number, or {@code otherwise} when absent. */
    public long unsigned32(String name, String what, long otherwise) throws ConfigException {
        Integer at = valueAt.get(name);
        return at == null
                ? otherwise
                : directive.checkUnsigned32(
                        directive.args().get(at), what, " after '" + name + "'");
    }

    /**
     * Option {@code name} as a decimal number within {@code [min, max]}, or {@code otherwise} when
     * absent.
     */
    public double decimal(String name, String what, double min, double max, double otherwise)
            throws ConfigException {
        Integer at = valueAt.get(name);
        return at == null
                ? otherwise
                : directive.checkDecimal(
                        directive.args().get(at), what, min, max, " after '" + name + "'");
    }
}
