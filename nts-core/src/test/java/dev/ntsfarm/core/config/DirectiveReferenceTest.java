package dev.ntsfarm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/directives.md and the parser say the same: every directive the parser accepts or refuses has
 * a section of its own ({@code ### `name`}), and every section names a directive the parser knows.
 * A directive added to {@link DirectiveNames} without documentation fails here.
 */
class DirectiveReferenceTest {

    static final Path REFERENCE =
            Path.of("").toAbsolutePath().getParent().resolve("docs/directives.md");
    private static final Pattern SECTION = Pattern.compile("(?m)^### `([a-z0-9]+)`$");

    static Set<String> documented(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = SECTION.matcher(text);
        while (m.find()) {
            assertTrue(names.add(m.group(1)), "documented twice: " + m.group(1));
        }
        return names;
    }

    @Test
    void everyDirectiveHasItsSectionAndEverySectionItsDirective() throws Exception {
        assertTrue(Files.isRegularFile(REFERENCE), REFERENCE.toString());
        Set<String> documented = documented(Files.readString(REFERENCE));
        Set<String> parsed = new TreeSet<>(DirectiveNames.all());
        parsed.addAll(DirectiveNames.REFUSED.keySet());

        Set<String> undocumented = new TreeSet<>(parsed);
        undocumented.removeAll(documented);
        assertEquals(
                Set.of(),
                undocumented,
                "directives the parser accepts without a section in " + REFERENCE);
        Set<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(parsed);
        assertEquals(
                Set.of(),
                unknown,
                "sections in " + REFERENCE + " for directives the parser does not know");
    }

    @Test
    void theCheckSeesAMissingSection() {
        Set<String> seen = documented("### `port`\ntext\n### `ntsport`\n## `notasection`\n");
        assertEquals(Set.of("port", "ntsport"), seen);
    }
}
