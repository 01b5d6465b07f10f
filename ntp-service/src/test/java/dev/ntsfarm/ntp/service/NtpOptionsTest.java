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

    @TempDir
    Path dir;

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
        NtpOptions o = read("port 11123\nbindaddress 127.0.0.1\nbindaddress ::1\nallow 127.0.0.1\ndeny 10/8\n"
                + "ratelimit interval 1 burst 4 kod 2\nlocal stratum 3\nkeyfile " + keys + "\nntsport 4460\n");
        assertEquals(11123, o.port());
        assertEquals(List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("::1")), o.bindAddresses());
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
        assertTrue(e.getMessage().startsWith("ntp.conf:1: bindaddress: expected an IPv4 or IPv6 address"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> read("\n\nratelimit kod 9"));
        assertTrue(e.getMessage().startsWith("ntp.conf:3: ratelimit: expected a KoD rate from 0 to 4"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> read("allow 300.1.1.1"));
        assertEquals(1, e.error().line());

        e = assertThrows(ConfigException.class, () -> read("keyfile " + dir.resolve("missing")));
        assertTrue(e.getMessage().startsWith("ntp.conf:1: keyfile: expected a readable key file"), e.getMessage());
    }

    @Test
    void keyFileMistakesNameTheKeyFileLine() throws Exception {
        Path keys = dir.resolve("bad.keys");
        Files.writeString(keys, "1 MD5 ASCII:ok\n2 NOPE HEX:00\n");
        ConfigException e = assertThrows(ConfigException.class, () -> read("keyfile " + keys));
        assertEquals(keys.toString(), e.error().file());
        assertEquals(2, e.error().line());
    }
}
