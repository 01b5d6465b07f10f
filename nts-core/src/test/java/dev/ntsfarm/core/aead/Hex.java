package dev.ntsfarm.core.aead;

import java.util.HexFormat;

/** Hex of RFC test vectors, which are printed with spaces between words. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
