package dev.ntsfarm.core.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

    @TempDir Path dir;

    @Test
    void writesOurIdRemovesItAndRefusesALivingOther() throws Exception {
        Path file = dir.resolve("run/ntsfarm.pid");
        try (PidFile p = PidFile.write(file)) {
            assertEquals(Optional.of(ProcessHandle.current().pid()), PidFile.read(file));
        }
        assertFalse(Files.exists(file), "removed on close");

        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Files.writeString(file, parent + "\n");
        PidFile.AlreadyRunning e =
                assertThrows(PidFile.AlreadyRunning.class, () -> PidFile.write(file));
        assertTrue(e.getMessage().contains("already running as process " + parent), e.getMessage());
        assertEquals(Optional.of(parent), PidFile.read(file), "the other's file is left alone");

        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(file, gone.pid() + "\n");
        try (PidFile p = PidFile.write(file)) {
            assertEquals(
                    Optional.of(ProcessHandle.current().pid()),
                    PidFile.read(file),
                    "a stale file is replaced");
        }
    }
}
