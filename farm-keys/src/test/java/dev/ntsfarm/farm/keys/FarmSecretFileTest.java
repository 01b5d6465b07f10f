package dev.ntsfarm.farm.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The farmsecret file: permissions, length, creation. */
class FarmSecretFileTest {

    @TempDir Path dir;

    private Path write(String name, int length, String mode) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, new byte[length]);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void aGoodFileIsRead() throws Exception {
        assertEquals(
                "FarmSecret[32 bytes]",
                FarmSecretFile.read(write("ok", 32, "rw-------")).toString());
        assertEquals(
                "FarmSecret[40 bytes]",
                FarmSecretFile.read(write("ro", 40, "r--------")).toString());
    }

    @Test
    void looseOrWrongPermissionsAreRefusedWithTheFix() throws Exception {
        Path f = write("loose", 32, "rw-r--r--");
        var e =
                assertThrows(
                        FarmSecretFile.FarmSecretException.class, () -> FarmSecretFile.read(f));
        assertEquals(
                "farmsecret "
                        + f
                        + ": mode 0644 (rw-r--r--) is too open (expected: 0600 or tighter, "
                        + "readable by its owner alone; run 'chmod 600 "
                        + f
                        + "')",
                e.getMessage());
        Path g = write("group", 32, "rw-rw----");
        assertTrue(
                assertThrows(FarmSecretFile.FarmSecretException.class, () -> FarmSecretFile.read(g))
                        .getMessage()
                        .contains("mode 0660"));
        Path x = write("exec", 32, "rwx------");
        assertTrue(
                assertThrows(FarmSecretFile.FarmSecretException.class, () -> FarmSecretFile.read(x))
                        .getMessage()
                        .contains("mode 0700"));
    }

    @Test
    void aShortOrMissingFileIsRefused() throws Exception {
        Path f = write("short", 31, "rw-------");
        assertEquals(
                "farmsecret " + f + ": 31 bytes (expected: 32 to 4096 bytes of random data)",
                assertThrows(FarmSecretFile.FarmSecretException.class, () -> FarmSecretFile.read(f))
                        .getMessage());
        Path missing = dir.resolve("missing");
        assertTrue(
                assertThrows(
                                FarmSecretFile.FarmSecretException.class,
                                () -> FarmSecretFile.read(missing))
                        .getMessage()
                        .startsWith("farmsecret " + missing + ": no such file"));
        assertTrue(
                assertThrows(
                                FarmSecretFile.FarmSecretException.class,
                                () -> FarmSecretFile.read(dir))
                        .getMessage()
                        .endsWith("not a regular file"));
    }

    @Test
    void createMakesAnOwnerOnlyFileAndNeverReplacesOne() throws Exception {
        Path f = dir.resolve("sub/farm.secret");
        FarmSecretFile.readOrCreate(f, new SecureRandom());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(32, Files.size(f));
        byte[] first = Files.readAllBytes(f);
        FarmSecretFile.readOrCreate(f, new SecureRandom());
        assertTrue(
                java.util.Arrays.equals(first, Files.readAllBytes(f)),
                "an existing secret is read, not replaced");
        assertTrue(
                assertThrows(
                                FarmSecretFile.FarmSecretException.class,
                                () -> FarmSecretFile.create(f, new SecureRandom()))
                        .getMessage()
                        .contains("exists already"));
    }
}
