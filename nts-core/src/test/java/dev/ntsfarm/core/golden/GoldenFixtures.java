package dev.ntsfarm.core.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Reads the files under {@code src/test/resources/golden} (see the README there). */
final class GoldenFixtures {

    private static final String ROOT = "/golden/";

    private GoldenFixtures() {}

    /** The bytes of a {@code .hex} fixture: {@code #} lines are comments, the rest is hex. */
    static byte[] hex(String name) {
        StringBuilder hex = new StringBuilder();
        for (String line : lines(name)) {
            if (!line.startsWith("#")) {
                hex.append(line.strip());
            }
        }
        return HexFormat.of().parseHex(hex);
    }

    /** The lines of a text fixture, as written. */
    static List<String> lines(String name) {
        return text(name).lines().toList();
    }

    static String text(String name) {
        try (InputStream in = GoldenFixtures.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + ROOT + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
