package dev.ntsfarm.core.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFileTest {

    @Test
    void replacesTheFileWholeOwnerOnlyAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state").resolve("ntsfarm-keys");
        PrivateFile.write(file, "first".getBytes(StandardCharsets.US_ASCII));
        PrivateFile.write(file, "second, longer".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(
                "second, longer".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(file));
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "no temporary file left behind");
        }
    }
}
