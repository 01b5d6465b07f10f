package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.Requirements;
import dev.ntsfarm.testsupport.farm.FarmProcess;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sd_notify as systemd hears it: a Unix datagram socket named by {@code NOTIFY_SOCKET} (here a
 * small Python receiver, another program than ours) gets {@code READY=1} from {@code ntsfarm up}
 * only once its listeners accept, {@code RELOADING=1} and {@code READY=1} again around a SIGHUP,
 * and {@code STOPPING=1} on SIGTERM before a clean exit.
 */
@Timeout(180)
class SystemdReadinessTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String RECEIVER =
            """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(sys.argv[1])
            print("bound", flush=True)
            while True:
                d = s.recv(4096).decode()
                print(d.replace("\\n", " ").strip(), flush=True)
                if "STOPPING=1" in d:
                    break
            """;

    @TempDir Path dir;
    private Process receiver;
    private FarmProcess farm;

    @AfterEach
    void tearDown() throws Exception {
        if (farm != null) {
            farm.kill();
        }
        if (receiver != null && receiver.isAlive()) {
            receiver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void readyOnlyOnceListeningReloadingAroundSighupStoppingOnSigterm() throws Exception {
        Requirements.program(PYTHON, "python3");
        Path socket = dir.resolve("notify.sock");
        Path heard = dir.resolve("heard.log");
        receiver =
                new ProcessBuilder(PYTHON.toString(), "-c", RECEIVER, socket.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(heard.toFile())
                        .start();
        Await.until(
                Duration.ofSeconds(20),
                Duration.ofMillis(50),
                () -> Files.readString(heard),
                t -> t.contains("bound"));

        int kePort = Ports.freeTcp();
        Path messages = dir.resolve("farm.log");
        farm =
                FarmProcess.of(
                                "up",
                                dir,
                                Map.of("NOTIFY_SOCKET", socket.toString()),
                                "up",
                                "-L",
                                "0",
                                "-l",
                                messages.toString(),
                                "logformat json",
                                "port " + Ports.freeUdpAndTcp(),
                                "ntsport " + kePort,
                                "cmdport 0",
                                "metricsport 0",
                                "ntsdumpdir " + dir.resolve("var"),
                                "cluster name ready-" + ProcessHandle.current().pid())
                        .start();
        Path log = farm.logFile();
        String said =
                Await.until(
                        Duration.ofSeconds(90),
                        Duration.ofMillis(50),
                        () -> Files.readString(heard),
                        t -> t.contains("READY=1") || !farm.isAlive());
        assertTrue(said.contains("READY=1"), said + Files.readString(log));
        // READY=1 was sent after the listeners were bound: the NTS-KE port answers at once
        assertTrue(accepts(kePort), "NTS-KE listening when READY=1 arrived");
        assertTrue(said.contains("MAINPID=" + farm.pid()), said);
        assertTrue(said.contains("STATUS=NTP"), said);

        farm.signal("HUP");
        said =
                Await.until(
                        Duration.ofSeconds(30),
                        Duration.ofMillis(50),
                        () -> Files.readString(heard),
                        t -> t.lines().filter(l -> l.contains("READY=1")).count() >= 2);
        assertTrue(said.contains("RELOADING=1"), said);
        assertEquals(2, said.lines().filter(l -> l.contains("READY=1")).count(), said);

        farm.signal("TERM");
        assertEquals(0, farm.awaitExit(Duration.ofSeconds(60)), Files.readString(log));
        assertTrue(receiver.waitFor(10, TimeUnit.SECONDS), "the receiver heard STOPPING=1");
        assertTrue(Files.readString(heard).contains("STOPPING=1"));
        // the log asked for: JSON lines, one a record, each with its level
        List<String> lines = Files.readAllLines(messages);
        assertTrue(lines.size() > 3, lines.toString());
        for (String line : lines) {
            JsonObject record = new JsonObject(line);
            assertTrue(
                    Set.of("DEBUG", "INFO", "WARN", "ERROR").contains(record.getString("level")),
                    line);
        }
        assertTrue(
                lines.stream().anyMatch(l -> l.contains("SIGHUP: NTS-KE certificates reloaded")),
                lines.toString());
    }
}
