package dev.ntsfarm.farm.keys;

import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.file.PrivateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code farmsecret FILE} directive's file: the farm secret's bytes as they are (at least
 * {@value FarmSecret#MIN_LENGTH}), readable by its owner alone. Every key-holding host of one farm
 * has the same file; it never enters the cluster (DESIGN section 3). One can be made by hand with
 * {@code head -c 32 /dev/urandom > FILE && chmod 600 FILE}, or by {@link #create}.
 */
public final class FarmSecretFile {

    /** Bytes {@link #create} writes. */
    public static final int CREATED_LENGTH = 32;

    /** Longer than any secret anyone means to keep in this file. */
    public static final int MAX_LENGTH = 4096;

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private FarmSecretFile() {}

    /** A farm secret file that cannot be used, and why. */
    public static final class FarmSecretException extends IOException {
        public FarmSecretException(String message) {
            super(message, null);
        }
    }

    /**
     * Reads the secret, after checking the file is a regular file of mode 0600 or tighter and holds
     * {@value FarmSecret#MIN_LENGTH} to {@value #MAX_LENGTH} bytes.
     *
     * @throws FarmSecretException saying what is wrong and how to put it right
     */
    public static FarmSecret read(Path file) throws IOException {
        String where = "farmsecret " + file + ": ";
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FarmSecretException(
                    where
                            + "no such file (expected: the farm's secret, the same file on every"
                            + " host of the farm, at least "
                            + FarmSecret.MIN_LENGTH
                            + " random bytes, mode 0600: copy it from"
                            + " another host of the farm, or make one for a new farm with "
                            + "'head -c 32 /dev/urandom > "
                            + file
                            + " && chmod 600 "
                            + file
                            + "'; only 'ntsfarm up' makes one"
                            + " by itself)");
        }
        if (!Files.isRegularFile(file)) {
            throw new FarmSecretException(where + "not a regular file");
        }
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                throw new FarmSecretException(
                        where
                                + "mode "
                                + octal(perms)
                                + " is too open (expected: 0600 or tighter, readable by its owner alone; run 'chmod 600 "
                                + file
                                + "')");
            }
        }
        long size = Files.size(file);
        if (size < FarmSecret.MIN_LENGTH || size > MAX_LENGTH) {
            throw new FarmSecretException(
                    where
                            + size
                            + " bytes (expected: "
                            + FarmSecret.MIN_LENGTH
                            + " to "
                            + MAX_LENGTH
                            + " bytes of random data)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FarmSecretException(where + "vanished while being read");
        }
        try {
            return FarmSecret.of(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Creates a new file of {@value #CREATED_LENGTH} random bytes, mode 0600, written beside it and
     * renamed into place, and returns its secret.
     *
     * @throws FarmSecretException when the file exists already (a farm's secret is never replaced
     *     silently: every cookie in the field depends on it)
     */
    public static FarmSecret create(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FarmSecretException(
                    "farmsecret " + file + ": exists already (expected: a new path)");
        }
        byte[] bytes = new byte[CREATED_LENGTH];
        random.nextBytes(bytes);
        try {
            PrivateFile.write(file, bytes);
            return FarmSecret.of(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Reads the file, or creates it when it does not exist yet (the all-in-one farm's first start).
     */
    public static FarmSecret readOrCreate(Path file, SecureRandom random) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            return create(file, random);
        }
        return read(file);
    }

    static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode) + " (" + PosixFilePermissions.toString(perms) + ")";
    }
}
