package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * DESIGN 1: a service never imports another. What {@code mvn dependency:tree} would show among our
 * own modules, computed from every module's pom (all scopes, transitively): no service module
 * reaches another service module, the control plane reaches none, and nts-core depends on nothing
 * of ours.
 */
class ModuleDependenciesTest {

    static final Set<String> SERVICES = Set.of("nts-ke-service", "ntp-service", "clock-agent");
    static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    static final Pattern DEPENDENCY =
            Pattern.compile(
                    "<dependency>\\s*<groupId>dev\\.ntsfarm</groupId>\\s*<artifactId>([^<]+)</artifactId>");

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("ntsfarm"))) {
            p = p.getParent();
        }
        return p;
    }

    /** Each module and the modules of ours it names in its pom. */
    static Map<String, Set<String>> direct() throws Exception {
        Path root = root();
        Map<String, Set<String>> deps = new TreeMap<>();
        Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            String module = m.group(1);
            Set<String> d = new TreeSet<>();
            Matcher dm =
                    DEPENDENCY.matcher(Files.readString(root.resolve(module).resolve("pom.xml")));
            while (dm.find()) {
                d.add(dm.group(1));
            }
            deps.put(module, d);
        }
        return deps;
    }

    static Set<String> reach(Map<String, Set<String>> deps, String from) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(deps.getOrDefault(from, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(deps.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    @Test
    void noServiceDependsOnAnotherAndTheControlPlaneOnNone() throws Exception {
        Map<String, Set<String>> deps = direct();
        assertTrue(
                deps.keySet().containsAll(SERVICES) && deps.containsKey("control-api"),
                deps.toString());
        for (String module :
                List.of(
                        "nts-ke-service",
                        "ntp-service",
                        "clock-agent",
                        "control-api",
                        "farm-keys",
                        "proto",
                        "nts-core")) {
            Set<String> reached = new TreeSet<>(reach(deps, module));
            reached.retainAll(SERVICES);
            assertEquals(Set.of(), reached, module + " depends on service modules");
        }
        Set<String> core = new TreeSet<>(reach(deps, "nts-core"));
        core.remove("test-support");
        assertEquals(Set.of(), core, "nts-core depends on nothing of ours");
    }
}
