package dev.ntsfarm.core.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * chronyd's {@code pidfile}: the process id of the running service, written when it starts (beside,
 * then renamed into place) and removed when it stops. A file that names another living process
 * means the service already runs, and the second one refuses to start, as chronyd does.
 */
public final class PidFile implements AutoCloseable {

    private final Path file;
    private final long pid;

    private PidFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    /** Raised when another living process holds the file. */
    public static final class AlreadyRunning extends IOException {
        AlreadyRunning(Path file, long pid) {
            super("pidfile " + file + ": already running as process " + pid);
        }
    }

    /** Writes this process's id to {@code file}, unless another living process holds it. */
    public static PidFile write(Path file) throws IOException {
        long self = ProcessHandle.current().pid();
        Optional<Long> other = read(file);
        if (other.isPresent()
                && other.get() != self
                && ProcessHandle.of(other.get()).map(ProcessHandle::isAlive).orElse(false)) {
            throw new AlreadyRunning(file, other.get());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, self + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new PidFile(file, self);
    }

    /** The id a pid file names, if it reads as one. */
    public static Optional<Long> read(Path file) throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.matches("[0-9]{1,19}")
                    ? Optional.of(Long.parseLong(text))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public Path file() {
        return file;
    }

    /** Removes the file if it still names this process. */
    @Override
    public void close() {
        try {
            if (read(file).filter(p -> p == pid).isPresent()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a pid file that cannot be removed names a process that is gone: the next start
            // replaces it
        }
    }
}
