package dev.ntsfarm.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine: a missing program fails the test when the environment
 * variable {@code CI} is set (CI installs every one through {@code ./ntsfarm setup}, so a missing
 * one is a broken set-up) and skips it elsewhere, saying which Debian package brings it.
 */
public final class Requirements {

    private Requirements() {}

    /** chronyd and chronyc 4.3 or newer (Debian package {@code chrony}). */
    public static void chronyd() {
        program(Chronyd.CHRONYD, "chrony");
        program(Chronyd.CHRONYC, "chrony");
    }

    /** The executable {@code program}, from the Debian package {@code debianPackage}. */
    public static void program(Path program, String debianPackage) {
        if (!Files.isExecutable(program)) {
            missing(program, debianPackage);
        }
    }

    /**
     * The file {@code file} (a shared library, a module), from the Debian package {@code
     * debianPackage}.
     */
    public static void file(Path file, String debianPackage) {
        if (!Files.isRegularFile(file)) {
            missing(file, debianPackage);
        }
    }

    private static void missing(Path program, String debianPackage) {
        String why =
                program
                        + " is missing (Debian package "
                        + debianPackage
                        + "; ./ntsfarm setup installs it)";
        if (underCi()) {
            fail(why + " and CI is set");
        }
        Assumptions.abort(why);
    }

    /** Whether this run is CI's, where every requirement must be met. */
    public static boolean underCi() {
        return System.getenv("CI") != null;
    }
}
