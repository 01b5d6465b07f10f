package dev.ntsfarm.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ntsfarm.app.Main;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.config.Directive;
import dev.ntsfarm.farm.keys.ClusterOptions;
import dev.ntsfarm.farm.keys.FarmKeyOptions;
import dev.ntsfarm.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * compose/ as shipped: Debian's docker-compose 1.29 accepts the file offline, its example configs
 * parse with the parser of the service that reads each, and the README's steps name what the file
 * has.
 */
class ComposeFileTest {

    static final Path COMPOSE = Path.of("../compose");
    static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");

    private static String dockerCompose(String... args) throws IOException, InterruptedException {
        Requirements.program(DOCKER_COMPOSE, "docker-compose");
        List<String> cmd =
                new java.util.ArrayList<>(
                        List.of(DOCKER_COMPOSE.toString(), "-f", "docker-compose.yml"));
        cmd.addAll(List.of(args));
        Process p =
                new ProcessBuilder(cmd)
                        .directory(COMPOSE.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), "docker-compose " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        dockerCompose("config", "-q");
        List<String> services = dockerCompose("config", "--services").lines().sorted().toList();
        assertEquals(
                List.of("agent", "ke-1", "ke-2", "ke-3", "nginx", "ntp-1", "ntp-2", "ntp-3"),
                services);
        String resolved = dockerCompose("config");
        assertTrue(
                resolved.contains("published: 4460") || resolved.contains("4460:4460"), resolved);
        assertTrue(
                resolved.contains("123:123/udp") || resolved.contains("published: 123"), resolved);
        assertTrue(resolved.contains("user: 65532:65532"), "non-root:\n" + resolved);
        assertTrue(resolved.contains("- ALL"), "every capability dropped:\n" + resolved);
    }

    private static Config parse(String file) throws IOException {
        ConfigResult r =
                Config.parse(file, Files.readString(COMPOSE.resolve("config").resolve(file)));
        return assertInstanceOf(ConfigResult.Parsed.class, r, file + ": " + r).config();
    }

    /** One service of the resolved compose file: its name and its block's lines. */
    record Service(String name, List<String> lines) {

        /**
         * The items of a list-valued key at the service's top level ({@code command}, {@code
         * cap_add}).
         */
        List<String> list(String key) {
            List<String> items = new ArrayList<>();
            int at = lines.indexOf("    " + key + ":");
            for (int i = at + 1;
                    at >= 0 && i < lines.size() && lines.get(i).startsWith("    - ");
                    i++) {
                items.add(lines.get(i).substring(6).replace("'", ""));
            }
            return items;
        }

        boolean mentions(String text) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }
    }

    /**
     * The services of {@code docker-compose config} (docker-compose 1.29's layout: two spaces per
     * level).
     */
    private static List<Service> services() throws Exception {
        List<String> lines = dockerCompose("config").lines().toList();
        List<Service> services = new ArrayList<>();
        int i = lines.indexOf("services:") + 1;
        while (i < lines.size() && lines.get(i).startsWith("  ")) {
            String name = lines.get(i).strip().replace(":", "");
            List<String> block = new ArrayList<>();
            for (i++; i < lines.size() && lines.get(i).startsWith("    "); i++) {
                block.add(lines.get(i));
            }
            services.add(new Service(name, block));
        }
        return services;
    }

    @Test
    void everyExampleConfigParsesWithTheParserOfTheServiceThatReadsIt() throws Exception {
        Set<String> read = new TreeSet<>();
        for (Service s : services()) {
            List<String> command = s.list("command");
            int f = command.indexOf("-f");
            if (command.isEmpty() || f < 0) {
                continue; // not one of ours (nginx)
            }
            String file = Path.of(command.get(f + 1)).getFileName().toString();
            assertTrue(
                    command.get(f + 1).startsWith("/etc/ntsfarm/"),
                    s.name() + " reads " + command.get(f + 1));
            Config config = parse(file);
            try {
                Main.readConfigAs(command.getFirst(), config);
            } catch (ConfigException e) {
                fail(
                        s.name()
                                + " (ntsfarm "
                                + command.getFirst()
                                + ") cannot read compose/config/"
                                + file
                                + ": "
                                + e.getMessage());
            }
            read.add(file);
            // a port below 1024 needs a capability or the unprivileged-port sysctl: the user is
            // 65532
            for (String name : List.of("port", "ntsport", "cmdport", "metricsport")) {
                for (Directive d : config.directives(name)) {
                    int port = Integer.parseInt(d.args().getFirst());
                    if (port > 0 && port < 1024) {
                        assertTrue(
                                s.mentions("net.ipv4.ip_unprivileged_port_start")
                                        || s.list("cap_add").contains("NET_BIND_SERVICE"),
                                s.name()
                                        + ": "
                                        + file
                                        + " binds "
                                        + name
                                        + " "
                                        + port
                                        + " as user 65532 with no capability");
                    }
                }
            }
        }
        try (var files = Files.list(COMPOSE.resolve("config"))) {
            Set<String> shipped =
                    new TreeSet<>(
                            files.map(p -> p.getFileName().toString())
                                    .filter(n -> n.endsWith(".conf"))
                                    .toList());
            assertEquals(
                    shipped, read, "every example config is read by a service of the compose file");
        }
        Config ke = parse("ke.conf");
        assertEquals(
                Path.of("/run/secrets/farm_secret"),
                FarmKeyOptions.fromConfig(ke).farmSecretFile().orElseThrow());
        assertEquals(3, ClusterOptions.fromConfig(ke).members().size());
        assertEquals(3, ClusterOptions.fromConfig(parse("ntp.conf")).members().size());
    }

    @Test
    void theReadmeStepsNameWhatTheFileHas() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int at = readme.indexOf("## The farm with docker-compose");
        assertTrue(at >= 0, "README has the section");
        String section = readme.substring(at, readme.indexOf("\n## ", at + 5));
        for (String step :
                List.of(
                        "./ntsfarm image",
                        "docker load -i image/target/ntsfarm-image.tar",
                        "compose/secrets/farm.secret",
                        "compose/secrets/tls_key.pem",
                        "compose/config/cert.pem",
                        "docker-compose up -d",
                        "ntsport 4460",
                        "chown 65532:65532")) {
            assertTrue(section.contains(step), "the README's compose steps lack '" + step + "'");
        }
        String compose = Files.readString(COMPOSE.resolve("docker-compose.yml"));
        for (String file : List.of("./secrets/farm.secret", "./secrets/tls_key.pem")) {
            assertTrue(compose.contains(file), file);
        }
        assertTrue(
                Files.readString(COMPOSE.resolve("config/ke.conf"))
                        .contains("ntsservercert /etc/ntsfarm/cert.pem"));
    }
}
