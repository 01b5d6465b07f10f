package dev.ntsfarm.agent.source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The selection of {@code -Q}/{@code -q}, which must decide after as few samples as chronyd -Q does
 * (one with {@code maxsamples 1}), before nts-core's regression has the three it needs. Over each
 * source's clock-filter pick: Marzullo's intersection of the intervals
 * offset +/- root distance finds the largest group that agrees (RFC 5905 section 11.2.1); sources
 * outside it are false-tickers; among the rest the one with the least root distance is the reference.
 */
public final class OneShotSelection {

    /** chronyc's state symbols. */
    public enum State {
        SELECTED('*'), COMBINED('+'), NOT_COMBINED('-'), UNUSABLE('?'), FALSETICKER('x');

        private final char symbol;

        State(char symbol) {
            this.symbol = symbol;
        }

        public char symbol() {
            return symbol;
        }
    }

    /** A source's part in the selection. */
    public record Candidate(NtpSource source, Sample sample, State state) {
    }

    /** The outcome: every source's state, and the reference if one was selected. */
    public record Result(List<Candidate> candidates, Optional<Candidate> reference) {
    }

    private OneShotSelection() {
    }

    /** Selects among sources that have at least {@code minSamples} samples and are reachable. */
    public static Result select(List<NtpSource> sources, int minSamples) {
        List<Candidate> usable = new ArrayList<>();
        List<Candidate> out = new ArrayList<>();
        for (NtpSource s : sources) {
            Optional<Sample> best = s.bestSample();
            if (best.isPresent() && s.reach().reachable() && s.samples().size() >= minSamples(s, minSamples)) {
                usable.add(new Candidate(s, best.get(), State.UNUSABLE));
            } else {
                out.add(new Candidate(s, best.orElse(null), State.UNUSABLE));
            }
        }
        if (usable.isEmpty()) {
            return new Result(out, Optional.empty());
        }
        // Marzullo: sweep the interval ends, find the deepest overlap
        record Edge(double at, int type) {
        }
        List<Edge> edges = new ArrayList<>();
        for (Candidate c : usable) {
            double d = c.sample().rootDistance();
            edges.add(new Edge(c.sample().offset() - d, -1));
            edges.add(new Edge(c.sample().offset() + d, +1));
        }
        edges.sort(Comparator.comparingDouble(Edge::at).thenComparingInt(Edge::type));
        int depth = 0;
        int best = 0;
        double lo = 0;
        double hi = 0;
        for (int i = 0; i < edges.size(); i++) {
            depth -= edges.get(i).type();
            if (depth > best) {
                best = depth;
                lo = edges.get(i).at();
                hi = edges.get(i + 1).at();
            }
        }
        boolean majority = best * 2 > usable.size();
        Candidate reference = null;
        List<Candidate> truechimers = new ArrayList<>();
        for (Candidate c : usable) {
            double d = c.sample().rootDistance();
            boolean inside = majority && c.sample().offset() - d <= hi && c.sample().offset() + d >= lo;
            if (inside) {
                truechimers.add(c);
                if (reference == null || d < reference.sample().rootDistance()) {
                    reference = c;
                }
            } else {
                out.add(new Candidate(c.source(), c.sample(), State.FALSETICKER));
            }
        }
        Optional<Candidate> ref = Optional.empty();
        for (Candidate c : truechimers) {
            Candidate marked = new Candidate(c.source(), c.sample(), c == reference ? State.SELECTED : State.COMBINED);
            out.add(marked);
            if (c == reference) {
                ref = Optional.of(marked);
            }
        }
        List<Candidate> ordered = new ArrayList<>();
        for (NtpSource s : sources) {
            out.stream().filter(c -> c.source() == s).findFirst().ifPresent(ordered::add);
        }
        return new Result(ordered, ref);
    }

    private static int minSamples(NtpSource s, int minSamples) {
        int max = s.directive().maxSamples();
        return max > 0 ? Math.min(max, minSamples) : minSamples;
    }
}
