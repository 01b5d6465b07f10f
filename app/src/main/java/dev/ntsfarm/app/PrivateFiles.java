package dev.ntsfarm.app;

import dev.ntsfarm.core.file.PrivateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The certificate: written whole as {@link PrivateFile} writes, then readable by anyone. */
final class PrivateFiles {

    private PrivateFiles() {}

    /** For files anyone may read (the certificate), written the same way. */
    static void writePublic(Path target, byte[] content) throws IOException {
        PrivateFile.write(target, content);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    }
}
