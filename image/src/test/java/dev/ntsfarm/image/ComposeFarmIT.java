package dev.ntsfarm.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Chronyd;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The compose farm for real, where a Docker engine runs (skipped cleanly where none does, as here):
 * the image loaded, compose/ started with fresh secrets, and chronyd through nginx gets NTS time.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(600)
class ComposeFarmIT {

    @TempDir Path dir;

    @Test
    void chronydThroughTheComposeBalancerGetsNtsTime() throws Exception {
        Path compose = Path.of("../compose").toAbsolutePath().normalize();
        Process load =
                new ProcessBuilder(
                                "docker",
                                "load",
                                "-i",
                                ImageRootFsIT.TARBALL.toAbsolutePath().toString())
                        .inheritIO()
                        .start();
        assertTrue(load.waitFor() == 0, "docker load");
        Path secrets = compose.resolve("secrets");
        Path cert = compose.resolve("config/cert.pem");
        Process make =
                new ProcessBuilder(
                                "sh",
                                "-c",
                                "head -c 32 /dev/urandom > farm.secret && openssl req -x509"
                                        + " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost"
                                        + " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout tls_key.pem -out "
                                        + cert
                                        + " && chown 65532:65532 farm.secret tls_key.pem && chmod 600 farm.secret tls_key.pem")
                        .directory(secrets.toFile())
                        .inheritIO()
                        .start();
        assertTrue(make.waitFor() == 0, "secrets");
        try (ComposeContainer farm =
                new ComposeContainer(new File(compose.resolve("docker-compose.yml").toString()))
                        .withExposedService(
                                "nginx",
                                4460,
                                Wait.forListeningPort()
                                        .withStartupTimeout(Duration.ofMinutes(5)))) {
            farm.start();
            try (Chronyd chronyd = Chronyd.in(dir)) {
                String out =
                        chronyd.measureOnce(
                                20,
                                "server 127.0.0.1 port 123 ntsport 4460 iburst nts maxsamples 1",
                                "ntstrustedcerts " + cert);
                assertTrue(out.contains("System clock wrong by"), out);
            }
        } finally {
            Files.deleteIfExists(secrets.resolve("farm.secret"));
            Files.deleteIfExists(secrets.resolve("tls_key.pem"));
            Files.deleteIfExists(cert);
        }
    }
}
