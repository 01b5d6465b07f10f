package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * chronyd 4.3 as the NTS-KE client: {@code chronyd -Q} with an {@code nts} source pointed at this
 * service. No NTP responder listens here (that is ntp-service's part), so chronyd gets no time; what
 * proves the key exchange is chronyd's own client dump in {@code ntsdumpdir}: the AEAD, the C2S and
 * S2C keys it exported and the cookies it kept, which must open under our ring to those same keys.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ChronydNtsKeClientTest {

    private static final Path CHRONYD = Path.of("/usr/sbin/chronyd");

    @TempDir
    Path dir;
    private Process chronyd;

    @AfterEach
    void killChronyd() throws InterruptedException {
        if (chronyd != null && chronyd.isAlive()) {
            chronyd.destroy();
            if (!chronyd.waitFor(5, TimeUnit.SECONDS)) {
                chronyd.destroyForcibly();
            }
        }
    }

    @Test
    void chronydObtainsCookiesThatOpenToTheKeysItExported(Vertx vertx) throws Exception {
        if (!Files.isExecutable(CHRONYD)) {
            if (System.getenv("CI") != null) {
                fail("chronyd is missing at " + CHRONYD + " (install the chrony package)");
            }
            Assumptions.abort("chronyd not installed");
        }
        TestCerts certs = TestCerts.create(dir, "nts-ke");
        ServerStats stats = new ServerStats();
        NtsKeServer server = new NtsKeServer(vertx, NtsKeOptions.defaults().withPort(0).withInstances(1)
                .withKeyCertPairs(List.of(new NtsKeOptions.KeyCertPair(certs.key(), certs.cert()))),
                KeyRingSource.of(NtsKeServerTest.RING), stats);
        int kePort = server.start().await().getFirst();
        try {
            int ntpPort;
            try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
                ntpPort = s.getLocalPort(); // nothing will answer there
            }
            Path dump = Files.createDirectory(dir.resolve("nts"));
            Path conf = dir.resolve("chrony.conf");
            Files.writeString(conf, String.join("\n",
                    "server 127.0.0.1 port " + ntpPort + " ntsport " + kePort + " nts iburst maxsamples 1",
                    "ntstrustedcerts " + certs.cert(),
                    "nosystemcert",
                    "ntsdumpdir " + dump,
                    "pidfile " + dir.resolve("chronyd.pid"),
                    "port 0",
                    "cmdport 0",
                    "") );
            Path log = dir.resolve("chronyd.log");
            chronyd = new ProcessBuilder(CHRONYD.toString(), "-Q", "-t", "8", "-u", "root", "-F", "0", "-L", "0",
                    "-f", conf.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!chronyd.waitFor(30, TimeUnit.SECONDS)) {
                fail("chronyd -Q did not exit: " + Files.readString(log));
            }
            assertEquals(1, stats.get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED), Files.readString(log));

            List<Path> files;
            try (Stream<Path> s = Files.list(dump)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".nts")).toList();
            }
            assertEquals(1, files.size(), "chronyd's client dump; log: " + Files.readString(log));
            ChronyDump d = ChronyDump.read(files.getFirst());
            assertEquals(AeadAlgorithm.AES_SIV_CMAC_256, d.aead, "Debian's chrony 4.3 negotiates 15");
            // 8 came from us; chronyd spends one per NTP request it sends while nothing answers them
            assertTrue(d.cookies.size() >= 1 && d.cookies.size() <= 8, "cookies chronyd kept: " + d.cookies.size());
            CookieCodec codec = new CookieCodec(NtsKeServerTest.RING, NonceSource.of(new SecureRandom()));
            for (byte[] cookie : d.cookies) {
                SessionKeys keys = new SessionKeys();
                assertTrue(codec.open(cookie, 0, cookie.length, keys), "chronyd's cookie opens under our ring");
                assertEquals(HexFormat.of().formatHex(d.c2s), HexFormat.of().formatHex(keys.c2s()),
                        "the C2S key chronyd exported is the one sealed in the cookie");
                assertEquals(HexFormat.of().formatHex(d.s2c), HexFormat.of().formatHex(keys.s2c()));
            }
        } finally {
            server.stop().await();
        }
    }

    /** chronyd 4.3's client dump file ({@code ntsdumpdir}/ADDRESS.nts): AEAD id, S2C and C2S keys (in that order), cookies, in hex. */
    record ChronyDump(AeadAlgorithm aead, byte[] c2s, byte[] s2c, List<byte[]> cookies) {
        static ChronyDump read(Path file) throws IOException {
            List<String> lines = Files.readAllLines(file);
            AeadAlgorithm aead = null;
            byte[] c2s = null;
            byte[] s2c = null;
            List<byte[]> cookies = new ArrayList<>();
            // NNC0, name, time, NTP address and port, then "ID AEAD S2C C2S" (S2C first), then one cookie a line
            for (String line : lines) {
                String[] w = line.trim().split("\\s+");
                if (aead == null && w.length == 4 && w[1].matches("[0-9]+") && w[2].matches("[0-9a-fA-F]+")
                        && w[3].matches("[0-9a-fA-F]+")) {
                    aead = AeadAlgorithm.fromId(Integer.parseInt(w[1]));
                    s2c = HexFormat.of().parseHex(w[2]);
                    c2s = HexFormat.of().parseHex(w[3]);
                } else if (aead != null && w.length == 1 && w[0].matches("([0-9a-fA-F]{2}){16,}")) {
                    cookies.add(HexFormat.of().parseHex(w[0]));
                }
            }
            if (aead == null) {
                throw new IOException("no AEAD and keys line in " + file + ":\n" + String.join("\n", lines));
            }
            return new ChronyDump(aead, c2s, s2c, cookies);
        }
    }
}
