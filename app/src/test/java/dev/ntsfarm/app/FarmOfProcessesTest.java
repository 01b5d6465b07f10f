package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.file.PrivateFile;
import dev.ntsfarm.core.nts.NtsClientResponse;
import dev.ntsfarm.farm.keys.FarmSecretFile;
import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Ports;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A farm of separate processes: {@code ntsfarm nts-ke} as the Hazelcast member in one JVM and two
 * {@code ntsfarm ntp} responders as clients in two others; cookies from one NTS-KE exchange open at
 * both responders.
 */
@Timeout(240)
class FarmOfProcessesTest {

    @TempDir
    Path dir;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        children.forEach(Process::destroy);
        for (Process p : children) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** {@code ntsfarm SUBCOMMAND DIRECTIVES...} in a JVM of its own, on this test's class path. */
    private Path start(String name, String subcommand, String... directives) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        // the flags JDK 25 needs for Hazelcast and netty, as this JVM got them (the pom's jvm.flags)
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(Main.class.getName());
        cmd.add(subcommand);
        cmd.addAll(List.of(directives));
        Path log = dir.resolve(name + ".log");
        children.add(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start());
        return log;
    }

    private static void awaitRunning(Path log) throws Exception {
        String text = Await.until(Duration.ofSeconds(90), Duration.ofMillis(250),
                () -> Files.exists(log) ? Files.readString(log) : "",
                t -> t.contains(": running") || t.contains("cannot start") || t.contains(": expected"));
        assertTrue(text.contains(": running"), log.getFileName() + ":\n" + text);
    }

    @Test
    void twoRespondersOpenCookiesMintedByAKeServiceInAThirdJvm() throws Exception {
        SelfSignedCertificate identity = SelfSignedCertificate.generate(new SecureRandom());
        Path cert = Files.writeString(dir.resolve("cert.pem"), identity.certificatePem());
        Path key = dir.resolve("key.pem");
        PrivateFile.write(key, identity.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
        Path secret = dir.resolve("farm.secret");
        FarmSecretFile.create(secret, new SecureRandom());
        String cluster = "cluster name processes-" + ProcessHandle.current().pid();
        int memberPort = Ports.freeTcp();
        int kePort = Ports.freeTcp();

        Path keLog = start("nts-ke", "nts-ke", "ntsport " + kePort, "ntsserverkey " + key, "ntsservercert " + cert,
                "farmsecret " + secret, cluster, "cluster bind 127.0.0.1:" + memberPort,
                "ntsdumpdir " + dir.resolve("ke-var"));
        awaitRunning(keLog);
        int portA = Ports.freeUdpAndTcp();
        int portB = Ports.freeUdpAndTcp();
        String member = "cluster member 127.0.0.1:" + memberPort;
        Path aLog = start("ntp-a", "ntp", "port " + portA, "allow 127.0.0.1", "local stratum 1",
                "farmsecret " + secret, cluster, member);
        Path bLog = start("ntp-b", "ntp", "port " + portB, "allow 127.0.0.1", "local stratum 1",
                "farmsecret " + secret, cluster, member);
        awaitRunning(aLog);
        awaitRunning(bLog);

        NtsTestClient.Session session = NtsTestClient.establish(kePort, cert);
        assertTrue(session.cookies().size() == 8, "cookies: " + session.cookies().size());
        for (int i = 0; i < 4; i++) {
            int port = i % 2 == 0 ? portA : portB;
            NtsClientResponse.Result r = NtsTestClient.query(port, session, session.cookies().get(i));
            var verified = assertInstanceOf(NtsClientResponse.Result.Verified.class, r,
                    "cookie " + i + " at port " + port + ": " + r);
            assertTrue(verified.cookies().size() == 2, "fresh cookies: " + verified.cookies().size());
        }
    }
}
