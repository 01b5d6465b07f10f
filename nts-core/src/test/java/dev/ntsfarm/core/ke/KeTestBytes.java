package dev.ntsfarm.core.ke;

import java.util.HexFormat;

/** Hex in tests: spaces allowed between bytes for reading. */
final class KeTestBytes {

    private KeTestBytes() {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
