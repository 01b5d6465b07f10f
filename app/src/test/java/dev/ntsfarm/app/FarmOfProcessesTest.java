package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.file.PrivateFile;
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
 * The farm control plane over a farm of separate processes (cookies across processes and the
 * farm's failures are FarmBehindNginxTest's).
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

    private String ctl(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = Main.run(args, new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        return rc + "\n" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private static long counter(String block, String label) {
        return block.lines().filter(l -> l.startsWith(label)).mapToLong(l -> Long.parseLong(l.substring(29).strip()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + label + " in\n" + block));
    }

    /**
     * The farm control plane across two key-holding members in two JVMs: serverstats at either
     * member's cmdport shows each member and the sum (gathered through the cluster), members lists
     * both, keys shows the slots, and rekey (operational) moves the current slot for both only with
     * the command key.
     */
    @Test
    void serverstatsOfAFarmOfTwoMembersShowsEachAndTheSum() throws Exception {
        SelfSignedCertificate identity = SelfSignedCertificate.generate(new SecureRandom());
        Path cert = Files.writeString(dir.resolve("cert.pem"), identity.certificatePem());
        Path key = dir.resolve("key.pem");
        PrivateFile.write(key, identity.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
        Path secret = dir.resolve("farm.secret");
        FarmSecretFile.create(secret, new SecureRandom());
        String cluster = "cluster name control-" + ProcessHandle.current().pid();
        int memberA = Ports.freeTcp();
        int memberB = Ports.freeTcp();
        int cmdA = Ports.freeTcp();
        int cmdB = Ports.freeTcp();
        Path confA = Files.writeString(dir.resolve("a.conf"), String.join("\n", "ntsport 0", "ntsserverkey " + key,
                "ntsservercert " + cert, "farmsecret " + secret, cluster, "cluster bind 127.0.0.1:" + memberA,
                "ntsdumpdir " + dir.resolve("a-var"), "cmdport " + cmdA, "keyfile " + dir.resolve("a.keys")) + "\n");
        Path logA = start("ke-a", "nts-ke", "-f", confA.toString());
        awaitRunning(logA);
        Path logB = start("ke-b", "nts-ke", "ntsport 0", "ntsserverkey " + key, "ntsservercert " + cert,
                "farmsecret " + secret, cluster, "cluster bind 127.0.0.1:" + memberB,
                "cluster member 127.0.0.1:" + memberA, "ntsdumpdir " + dir.resolve("b-var"), "cmdport " + cmdB);
        awaitRunning(logB);

        String stats = Await.until(Duration.ofSeconds(60), Duration.ofMillis(250),
                () -> ctl("ctl", "-p", Integer.toString(cmdA), "serverstats"),
                t -> t.contains("Farm total (2 processes)"));
        assertTrue(stats.startsWith("0\n"), stats);
        String a = "127.0.0.1:" + memberA;
        String b = "127.0.0.1:" + memberB;
        int atA = stats.indexOf("Member " + a + " (this process)");
        int atB = stats.indexOf("Member " + b + ", counters");
        int atTotal = stats.indexOf("Farm total (2 processes):");
        assertTrue(atA >= 0 && atB >= 0 && atTotal > Math.max(atA, atB), stats);
        String blockA = stats.substring(atA, atA < atB ? atB : atTotal);
        String blockB = stats.substring(atB, atB < atA ? atA : atTotal);
        String total = stats.substring(atTotal);
        for (String label : List.of("Command packets received", "NTS-KE connections accepted", "NTP packets received")) {
            assertTrue(counter(total, label) == counter(blockA, label) + counter(blockB, label),
                    label + " is not the sum:\n" + stats);
        }
        assertTrue(counter(blockA, "Command packets received") >= 1, stats);

        String members = ctl("ctl", "-p", Integer.toString(cmdB), "members");
        assertTrue(members.startsWith("0\n") && members.contains(a) && members.contains(b)
                && members.contains(b + " ") && members.contains("(this process)"), members);

        String keys = ctl("ctl", "-p", Integer.toString(cmdA), "keys");
        assertTrue(keys.startsWith("0\n") && keys.contains("\n* ") && keys.contains("Damaged cluster entries ignored: 0"),
                keys);
        String current = keys.lines().filter(l -> l.startsWith("* ")).findFirst().orElseThrow().substring(2).split(" ")[0];

        String refused = ctl("ctl", "-p", Integer.toString(cmdA), "rekey");
        assertTrue(refused.startsWith("1\n") && refused.contains("501 Not authorised: authentication required"), refused);
        assertTrue(ctl("ctl", "-p", Integer.toString(cmdA), "keys").contains("\n* " + current + " "), "rekey refused yet moved");

        String rekey = ctl("ctl", "-p", Integer.toString(cmdA), "-a", "-f", confA.toString(), "rekey");
        assertTrue(rekey.startsWith("0\n200 OK\ncurrent slot "), rekey);
        String next = rekey.lines().filter(l -> l.startsWith("current slot ")).findFirst().orElseThrow().substring(13);
        assertTrue(!next.equals(current), rekey);
        String keysB = Await.until(Duration.ofSeconds(30), Duration.ofMillis(250),
                () -> ctl("ctl", "-p", Integer.toString(cmdB), "keys"), t -> t.contains("\n* " + next + " "));
        assertTrue(keysB.contains("\n* " + next + " "), "the other member did not follow the rekey:\n" + keysB);
    }
}
