package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.testsupport.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The units in {@code systemd/}: {@code systemd-analyze verify} passes for each, silently, against
 * a root laid out as the operations guide installs it; each is {@code Type=notify}, runs as the
 * ntsfarm user with a state directory, holds only the capabilities its role needs; and the
 * configuration each unit starts with validates.
 */
@Timeout(120)
class SystemdUnitsTest {

    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path UNITS = REPO.resolve("systemd");
    static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");
    static final Map<String, Set<String>> CAPABILITIES =
            Map.of(
                    "up", Set.of("CAP_NET_BIND_SERVICE"),
                    "nts-ke", Set.of(),
                    "ntp", Set.of("CAP_NET_BIND_SERVICE"),
                    "agent", Set.of("CAP_SYS_TIME", "CAP_NET_BIND_SERVICE"));

    @TempDir Path dir;

    /** The unit's settings, key to values in order (a key may repeat). */
    static Map<String, List<String>> settings(Path unit) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(unit, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.startsWith("#") || line.startsWith("[") || eq < 0) {
                continue;
            }
            out.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>())
                    .add(line.substring(eq + 1));
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(target.getParent());
                    Files.copy(
                            p,
                            target,
                            LinkOption.NOFOLLOW_LINKS,
                            StandardCopyOption.REPLACE_EXISTING);
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * A root with systemd's own units, ours in /etc/systemd/system and the launcher in
     * /opt/ntsfarm.
     */
    private Path installedRoot() throws IOException {
        Path root = dir.resolve("root");
        copyTree(Path.of("/usr/lib/systemd/system"), root.resolve("usr/lib/systemd/system"));
        Path etc = Files.createDirectories(root.resolve("etc/systemd/system"));
        try (Stream<Path> units = Files.list(UNITS)) {
            for (Path u : units.filter(p -> p.toString().endsWith(".service")).toList()) {
                Files.copy(u, etc.resolve(u.getFileName()));
            }
        }
        Path launcher = Files.createDirectories(root.resolve("opt/ntsfarm")).resolve("ntsfarm");
        Files.copy(REPO.resolve("ntsfarm"), launcher);
        launcher.toFile().setExecutable(true);
        Path kill = Files.createDirectories(root.resolve("bin")).resolve("kill");
        Files.copy(Path.of("/bin/kill"), kill);
        kill.toFile().setExecutable(true);
        return root;
    }

    @Test
    void systemdAnalyzeVerifiesEveryUnitWithoutAWord() throws Exception {
        Requirements.program(SYSTEMD_ANALYZE, "systemd");
        Path root = installedRoot();
        List<String> units;
        try (Stream<Path> s = Files.list(UNITS)) {
            units =
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".service"))
                            .sorted()
                            .toList();
        }
        assertEquals(
                List.of(
                        "ntsfarm-agent.service",
                        "ntsfarm-ntp.service",
                        "ntsfarm-nts-ke.service",
                        "ntsfarm-up.service"),
                units);
        for (String unit : units) {
            Path out = dir.resolve(unit + ".out");
            Process p =
                    new ProcessBuilder(SYSTEMD_ANALYZE.toString(), "verify", "--root=" + root, unit)
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), unit);
            String said = Files.readString(out);
            // verify exits 0 on unknown keys and bad values, with a warning: any word is a failure
            assertEquals(0, p.exitValue(), unit + ": " + said);
            assertEquals("", said, unit);
        }
    }

    @Test
    void aBrokenUnitIsCaught() throws Exception {
        Requirements.program(SYSTEMD_ANALYZE, "systemd");
        Path root = installedRoot();
        Path unit = root.resolve("etc/systemd/system/ntsfarm-ntp.service");
        Files.writeString(unit, Files.readString(unit).replace("Type=notify", "Type=notifyy"));
        Process p =
                new ProcessBuilder(
                                SYSTEMD_ANALYZE.toString(),
                                "verify",
                                "--root=" + root,
                                "ntsfarm-ntp.service")
                        .redirectErrorStream(true)
                        .start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(said.contains("notifyy"), "the check this test relies on speaks up: " + said);
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "nts-ke", "ntp", "agent"})
    void eachUnitIsReadyWhenListeningRunsAsNtsfarmAndHoldsOnlyItsCapabilities(String role)
            throws Exception {
        Map<String, List<String>> s = settings(UNITS.resolve("ntsfarm-" + role + ".service"));
        assertEquals(List.of("notify"), s.get("Type"), role);
        assertEquals(List.of("ntsfarm"), s.get("User"), role);
        assertTrue(s.get("StateDirectory").getFirst().startsWith("ntsfarm"), role);
        assertEquals(
                List.of("/opt/ntsfarm/ntsfarm " + role + " -f /etc/ntsfarm/" + role + ".conf"),
                s.get("ExecStart"));
        assertEquals(List.of("/bin/kill -HUP $MAINPID"), s.get("ExecReload"), role);
        Set<String> bounding =
                Stream.of(s.get("CapabilityBoundingSet").getFirst().split(" "))
                        .filter(c -> !c.isEmpty())
                        .collect(Collectors.toSet());
        Set<String> ambient =
                Stream.of(s.get("AmbientCapabilities").getFirst().split(" "))
                        .filter(c -> !c.isEmpty())
                        .collect(Collectors.toSet());
        assertEquals(CAPABILITIES.get(role), bounding, role);
        assertEquals(CAPABILITIES.get(role), ambient, role);
        assertEquals(List.of("yes"), s.get("NoNewPrivileges"), role);
        assertEquals(
                role.equals("agent") ? null : List.of("yes"),
                s.get("ProtectClock"),
                "only the agent may set the clock");

        Path conf = UNITS.resolve("etc").resolve(role + ".conf");
        Config config =
                switch (Config.parse(conf.toString(), Files.readString(conf))) {
                    case ConfigResult.Parsed p -> p.config();
                    case ConfigResult.Invalid i -> throw new AssertionError(i.errors().toString());
                };
        assertEquals(List.of(), ValidateCommand.problems(config, false), conf.toString());
        assertTrue(
                config.has("pidfile")
                        && config.last("pidfile")
                                .get()
                                .args()
                                .getFirst()
                                .startsWith("/run/ntsfarm-" + role + "/"),
                "the pid file in the unit's RuntimeDirectory");
        assertTrue(config.has("metricsport"), "a metrics port of its own: the roles share a host");
    }
}
