package dev.ntsfarm.ntp.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NtpOptionsTest {

    @TempDir Path dir;

    static NtpOptions read(String text) throws ConfigException {
        Config c = ((ConfigResult.Parsed) Config.parse("ntp.conf", text)).config();
        return NtpOptions.fromConfig(c);
    }

    @Test
    void defaultsAreChronyds() throws Exception {
        NtpOptions o = read("");
        assertEquals(NtpOptions.DEFAULT_PORT, o.port());
        assertTrue(o.accessRules().isEmpty());
        assertTrue(o.rateLimit().isEmpty());
        assertEquals(SyncState.UNSYNCHRONISED, o.defaultSyncStateSource().current(0));
    }

    @Test
    void readsEveryDirective() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "1 MD5 ASCII:secret\n2 SHA1 HEX:0102030405060708090a\n");
        NtpOptions o =
                read(
                        "port 11123\nbindaddress 127.0.0.1\nbindaddress ::1\nallow 127.0.0.1\ndeny 10/8\n"
                                + "ratelimit interval 1 burst 4 kod 2\nlocal stratum 3\nkeyfile "
                                + keys
                                + "\nntsport 4460\n");
        assertEquals(11123, o.port());
        assertEquals(
                List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("::1")),
                o.bindAddresses());
        assertEquals(2, o.accessRules().size());
        assertEquals(1, o.rateLimit().orElseThrow().interval());
        assertEquals(4, o.rateLimit().orElseThrow().burst());
        assertEquals(2, o.rateLimit().orElseThrow().leak());
        assertEquals(2, o.rateLimitKod());
        assertEquals(3, o.local().orElseThrow().stratum());
        assertEquals(2, o.keyFile().orElseThrow().size());
        assertEquals(3, o.defaultSyncStateSource().current(1L << 40).stratum());
    }

    @Test
    void mistakesNameFileLineAndExpectation() {
        ConfigException e = assertThrows(ConfigException.class, () -> read("# c\nport 70000\n"));
        assertEquals("ntp.conf", e.error().file());
        assertEquals(2, e.error().line());
        assertTrue(e.getMessage().contains("expected a UDP port"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> read("bindaddress localhost"));
        assertTrue(
                e.getMessage()
                        .startsWith("ntp.conf:1: bindaddress: expected an IPv4 or IPv6 address"),
                e.getMessage());

        e = assertThrows(ConfigException.class, () -> read("\n\nratelimit kod 9"));
        assertTrue(
                e.getMessage().startsWith("ntp.conf:3: ratelimit: expected a KoD rate from 0 to 4"),
                e.getMessage());

        e = assertThrows(ConfigException.class, () -> read("allow 300.1.1.1"));
        assertEquals(1, e.error().line());

        e = assertThrows(ConfigException.class, () -> read("keyfile " + dir.resolve("missing")));
        assertTrue(
                e.getMessage().startsWith("ntp.conf:1: keyfile: expected a readable key file"),
                e.getMessage());
    }

    @Test
    void keyFileMistakesNameTheKeyFileLine() throws Exception {
        Path keys = dir.resolve("bad.keys");
        Files.writeString(keys, "1 MD5 ASCII:ok\n2 NOPE HEX:00\n");
        ConfigException e = assertThrows(ConfigException.class, () -> read("keyfile " + keys));
        assertEquals(keys.toString(), e.error().file());
        assertEquals(2, e.error().line());
    }

    @Test
    void clockAgentDefaultsToChronysCommandPortAndTakesNoneOrHostPort() throws Exception {
        assertEquals(
                java.util.Optional.of(new ClockAgentEndpoint("127.0.0.1", 323)),
                read("").clockAgent());
        assertTrue(read("clockagent none").clockAgent().isEmpty());
        assertEquals(
                new ClockAgentEndpoint("127.0.0.1", 10323),
                read("clockagent 127.0.0.1:10323").clockAgent().orElseThrow());
        assertEquals(
                new ClockAgentEndpoint("::1", 323),
                read("clockagent [::1]:323").clockAgent().orElseThrow());
        assertEquals(
                "[::1]:323", read("clockagent [::1]:323").clockAgent().orElseThrow().toString());
        assertEquals(
                new ClockAgentEndpoint("localhost", 323),
                read("clockagent localhost:323").clockAgent().orElseThrow());
    }

    @Test
    void aBadClockAgentNamesFileLineAndExpectation() {
        for (String bad :
                List.of(
                        "clockagent 127.0.0.1",
                        "clockagent 127.0.0.1:0",
                        "clockagent 127.0.0.1:65536",
                        "clockagent ::1:323",
                        "clockagent :323",
                        "clockagent 127.0.0.1:x",
                        "clockagent a:1 b:2")) {
            ConfigException e =
                    assertThrows(ConfigException.class, () -> read("port 123\n" + bad + "\n"), bad);
            assertEquals("ntp.conf", e.error().file(), bad);
            assertEquals(2, e.error().line(), bad);
            assertTrue(
                    bad.endsWith("b:2") || e.getMessage().contains("expected HOST:PORT"),
                    e.getMessage());
        }
    }
}
