package dev.ntsfarm.agent.nts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.cookie.SessionKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NTS dump file: round trip at 0600, and damaged or foreign files ignored. */
class NtsDumpTest {

    @TempDir Path dir;

    private static List<byte[]> cookies(int n, int len) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] c = new byte[len];
            java.util.Arrays.fill(c, (byte) (i + 1));
            out.add(c);
        }
        return out;
    }

    private static SessionKeys keys() {
        byte[] c2s = new byte[32];
        byte[] s2c = new byte[32];
        new Random(1).nextBytes(c2s);
        new Random(2).nextBytes(s2c);
        return SessionKeys.of(AeadAlgorithm.AES_SIV_CMAC_256, c2s, s2c);
    }

    @Test
    void dumpRoundTripsAtMode0600() throws Exception {
        NtsDump d =
                new NtsDump(
                        "ke.example",
                        4460,
                        3,
                        1_700_000_000L,
                        new NtsAssociation.Session(
                                keys(), null, cookies(5, 100), "ntp.example", 123));
        d.save(dir);
        Path f = NtsDump.file(dir, "ke.example", 4460);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertTrue(Files.readString(f).startsWith("ntsfarm-nts-client 1\n"));
        NtsDump back = NtsDump.load(dir, "ke.example", 4460).orElseThrow();
        assertEquals(3, back.contextId());
        assertEquals("ntp.example", back.session().ntpServer());
        assertArrayEquals(keys().c2s(), back.session().keys().c2s());
        assertArrayEquals(keys().s2c(), back.session().keys().s2c());
        assertEquals(5, back.session().cookies().size());
        assertArrayEquals(cookies(5, 100).get(4), back.session().cookies().get(4));
        assertFalse(
                d.toString().contains(java.util.HexFormat.of().formatHex(keys().c2s())),
                "keys in toString");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void damagedOrForeignDumpIsIgnored() throws Exception {
        new NtsDump(
                        "a",
                        1,
                        1,
                        0,
                        new NtsAssociation.Session(keys(), null, cookies(2, 50), "a", 123))
                .save(dir);
        Path f = NtsDump.file(dir, "a", 1);
        assertTrue(NtsDump.load(dir, "a", 1).isPresent());
        assertTrue(NtsDump.load(dir, "a", 2).isEmpty(), "another port's association");
        String text = Files.readString(f);
        Files.writeString(f, text.replace("ntsfarm-nts-client 1", "ntsfarm-nts-client 9"));
        assertTrue(NtsDump.load(dir, "a", 1).isEmpty(), "unknown version");
        Files.writeString(f, text.replace(" 123\n", " 123\nzz\n"));
        assertTrue(NtsDump.load(dir, "a", 1).isEmpty(), "bad hex");
        Files.writeString(f, text.substring(0, text.length() / 2));
        assertTrue(NtsDump.load(dir, "a", 1).isEmpty(), "truncated");
    }
}
