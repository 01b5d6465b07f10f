package dev.ntsfarm.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.farm.keys.ClusterOptions;
import dev.ntsfarm.farm.keys.FarmKeyOptions;
import dev.ntsfarm.ke.service.NtsKeOptions;
import dev.ntsfarm.ntp.service.NtpOptions;
import dev.ntsfarm.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * compose/ as shipped: Debian's docker-compose 1.29 accepts the file offline, its example configs
 * parse with the services' own parsers, and the README's steps name what the file has.
 */
class ComposeFileTest {

    static final Path COMPOSE = Path.of("../compose");
    static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");

    private static String dockerCompose(String... args) throws IOException, InterruptedException {
        Requirements.program(DOCKER_COMPOSE, "docker-compose");
        List<String> cmd = new java.util.ArrayList<>(List.of(DOCKER_COMPOSE.toString(), "-f", "docker-compose.yml"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(COMPOSE.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), "docker-compose " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        dockerCompose("config", "-q");
        List<String> services = dockerCompose("config", "--services").lines().sorted().toList();
        assertEquals(List.of("agent", "ke-1", "ke-2", "ke-3", "nginx", "ntp-1", "ntp-2", "ntp-3"), services);
        String resolved = dockerCompose("config");
        assertTrue(resolved.contains("published: 4460") || resolved.contains("4460:4460"), resolved);
        assertTrue(resolved.contains("123:123/udp") || resolved.contains("published: 123"), resolved);
        assertTrue(resolved.contains("user: 65532:65532"), "non-root:\n" + resolved);
        assertTrue(resolved.contains("- ALL"), "every capability dropped:\n" + resolved);
    }

    private static Config parse(String file) throws IOException {
        ConfigResult r = Config.parse(file, Files.readString(COMPOSE.resolve("config").resolve(file)));
        return assertInstanceOf(ConfigResult.Parsed.class, r, file + ": " + r).config();
    }

    @Test
    void theExampleConfigsParseWithTheServicesOwnParsers() throws Exception {
        Config ke = parse("ke.conf");
        NtsKeOptions.fromConfig(ke);
        FarmKeyOptions keys = FarmKeyOptions.fromConfig(ke);
        assertEquals(Path.of("/run/secrets/farm_secret"), keys.farmSecretFile().orElseThrow());
        assertEquals(3, ClusterOptions.fromConfig(ke).members().size());
        Config ntp = parse("ntp.conf");
        NtpOptions.fromConfig(ntp);
        assertEquals(3, ClusterOptions.fromConfig(ntp).members().size());
        parse("agent.conf");
    }

    @Test
    void theReadmeStepsNameWhatTheFileHas() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int at = readme.indexOf("## The farm with docker-compose");
        assertTrue(at >= 0, "README has the section");
        String section = readme.substring(at, readme.indexOf("\n## ", at + 5));
        for (String step : List.of("./ntsfarm image", "docker load -i image/target/ntsfarm-image.tar",
                "compose/secrets/farm.secret", "compose/secrets/tls_key.pem", "compose/config/cert.pem",
                "docker-compose up -d", "ntsport 4460", "chown 65532:65532")) {
            assertTrue(section.contains(step), "the README's compose steps lack '" + step + "'");
        }
        String compose = Files.readString(COMPOSE.resolve("docker-compose.yml"));
        for (String file : List.of("./secrets/farm.secret", "./secrets/tls_key.pem")) {
            assertTrue(compose.contains(file), file);
        }
        assertTrue(Files.readString(COMPOSE.resolve("config/ke.conf")).contains("ntsservercert /etc/ntsfarm/cert.pem"));
    }
}
