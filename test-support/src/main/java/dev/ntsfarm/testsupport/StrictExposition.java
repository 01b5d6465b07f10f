package dev.ntsfarm.testsupport;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4: it rejects, with the line, anything a
 * scraper could read two ways. Every sample belongs to a family declared by {@code # TYPE} before
 * it; a family's lines are contiguous and declared once; names and label names follow the grammar;
 * label values use only the three escapes; a counter's family ends in {@code _total}; a histogram's
 * buckets are cumulative, end in {@code le="+Inf"} and that bucket equals {@code _count}; no series
 * repeats; the text ends with a newline.
 */
public final class StrictExposition {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE =
            Pattern.compile("[+-]?(Inf|NaN|[0-9]*\\.?[0-9]+([eE][+-]?[0-9]+)?|[0-9]+\\.)");
    private static final Set<String> TYPES =
            Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** One family: its declared type and help, and its samples in order. */
    public record Family(String name, String type, String help, List<Sample> samples) {

        /** The value of the sample named {@code name} with exactly {@code labels}. */
        public double value(String sampleName, Map<String, String> labels) {
            return samples.stream()
                    .filter(s -> s.name().equals(sampleName) && s.labels().equals(labels))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "no sample " + sampleName + labels + " in " + name))
                    .value();
        }

        public double value() {
            return value(name, Map.of());
        }
    }

    /** A violation of the format, with the line it was found on. */
    public static final class Invalid extends Exception {
        Invalid(int line, String what, String text) {
            super("line " + line + ": " + what + ": " + text);
        }
    }

    private StrictExposition() {}

    /** Reads a whole exposition. */
    public static Map<String, Family> parse(String text) throws Invalid {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new Invalid(0, "the text does not end with a newline", "");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        String open = null;
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length - 1; n++) {
            String line = lines[n];
            int no = n + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] w = line.split(" ", 4);
                if (w.length >= 3 && (w[1].equals("HELP") || w[1].equals("TYPE"))) {
                    String name = w[2];
                    if (!NAME.matcher(name).matches()) {
                        throw new Invalid(no, "bad metric name", line);
                    }
                    if (closed.contains(name)
                            || (families.containsKey(name) && !name.equals(open))) {
                        throw new Invalid(no, "family declared again after its samples", line);
                    }
                    if (open != null && !open.equals(name)) {
                        closed.add(open);
                    }
                    open = name;
                    if (w[1].equals("HELP")) {
                        if (help.containsKey(name)) {
                            throw new Invalid(no, "second HELP", line);
                        }
                        help.put(name, w.length > 3 ? w[3] : "");
                    } else {
                        if (w.length != 4 || !TYPES.contains(w[3])) {
                            throw new Invalid(no, "bad TYPE", line);
                        }
                        if (families.containsKey(name)) {
                            throw new Invalid(no, "second TYPE", line);
                        }
                        if (w[3].equals("counter") && !name.endsWith("_total")) {
                            throw new Invalid(no, "counter family not ending in _total", line);
                        }
                        families.put(
                                name,
                                new Family(
                                        name,
                                        w[3],
                                        help.getOrDefault(name, ""),
                                        new ArrayList<>()));
                    }
                }
                continue;
            }
            Sample s = sample(no, line);
            Family f = open == null ? null : families.get(open);
            if (f == null || !belongs(s.name(), f)) {
                throw new Invalid(no, "sample outside a declared family", line);
            }
            String key = s.name() + new TreeMap<>(s.labels());
            if (!series.add(key)) {
                throw new Invalid(no, "series repeated", line);
            }
            f.samples().add(s);
        }
        for (Family f : families.values()) {
            if (f.type().equals("histogram")) {
                checkHistogram(f);
            }
        }
        Map<String, Family> withHelp = new LinkedHashMap<>();
        families.forEach(
                (k, f) ->
                        withHelp.put(
                                k,
                                new Family(
                                        k,
                                        f.type(),
                                        help.getOrDefault(k, ""),
                                        List.copyOf(f.samples()))));
        return withHelp;
    }

    private static boolean belongs(String sample, Family f) {
        return switch (f.type()) {
            case "histogram" ->
                    sample.equals(f.name() + "_bucket")
                            || sample.equals(f.name() + "_sum")
                            || sample.equals(f.name() + "_count")
                            || sample.equals(f.name() + "_created");
            case "summary" ->
                    sample.equals(f.name())
                            || sample.equals(f.name() + "_sum")
                            || sample.equals(f.name() + "_count")
                            || sample.equals(f.name() + "_created");
            default -> sample.equals(f.name());
        };
    }

    private static void checkHistogram(Family f) throws Invalid {
        double last = -1;
        double lastBound = Double.NEGATIVE_INFINITY;
        Double inf = null;
        Double count = null;
        for (Sample s : f.samples()) {
            if (s.name().endsWith("_bucket")) {
                String le = s.labels().get("le");
                if (le == null) {
                    throw new Invalid(0, "bucket without le", f.name());
                }
                double bound =
                        le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                if (bound <= lastBound || s.value() < last) {
                    throw new Invalid(
                            0, "buckets not cumulative in ascending le", f.name() + " le=" + le);
                }
                lastBound = bound;
                last = s.value();
                if (le.equals("+Inf")) {
                    inf = s.value();
                }
            } else if (s.name().endsWith("_count")) {
                count = s.value();
            }
        }
        if (inf == null || count == null || !inf.equals(count)) {
            throw new Invalid(
                    0, "histogram's +Inf bucket missing or not equal to its _count", f.name());
        }
    }

    private static Sample sample(int no, String line) throws Invalid {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!NAME.matcher(name).matches()) {
            throw new Invalid(no, "bad metric name", line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i < line.length() && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw new Invalid(no, "label without =", line);
                }
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches() || labels.containsKey(label)) {
                    throw new Invalid(no, "bad or repeated label name '" + label + "'", line);
                }
                i = eq + 1;
                if (i >= line.length() || line.charAt(i) != '"') {
                    throw new Invalid(no, "label value not quoted", line);
                }
                i++;
                StringBuilder v = new StringBuilder();
                while (true) {
                    if (i >= line.length()) {
                        throw new Invalid(no, "unterminated label value", line);
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char e = i < line.length() ? line.charAt(i++) : 0;
                        switch (e) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw new Invalid(no, "bad escape in label value", line);
                        }
                    } else {
                        v.append(c);
                    }
                }
                labels.put(label, v.toString());
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                } else if (i >= line.length() || line.charAt(i) != '}') {
                    throw new Invalid(no, "expected , or } after a label", line);
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new Invalid(no, "expected one space before the value", line);
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length < 1 || rest.length > 2 || !VALUE.matcher(rest[0]).matches()) {
            throw new Invalid(no, "bad value", line);
        }
        if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
            throw new Invalid(no, "bad timestamp", line);
        }
        String v = rest[0];
        double value =
                v.endsWith("Inf")
                        ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                        : v.equals("NaN") ? Double.NaN : Double.parseDouble(v);
        return new Sample(name, Map.copyOf(labels), value);
    }
}
