package dev.ntsfarm.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only their owner may read (0600), written whole: a temporary file, then a rename. */
final class PrivateFiles {

    private PrivateFiles() {
    }

    static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** For files anyone may read (the certificate), written the same way. */
    static void writePublic(Path target, byte[] content) throws IOException {
        write(target, content);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    }
}
