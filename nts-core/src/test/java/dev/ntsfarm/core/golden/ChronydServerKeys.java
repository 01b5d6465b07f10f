package dev.ntsfarm.core.golden;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * chronyd 4.3's server key dump ({@code ntsdumpdir/ntskeys}, written by {@code save_keys} in {@code
 * nts_ke_server.c}): identifier {@code NKS0}, {@code AEAD age}, then {@code KEYID KEY} lines. A
 * chrony cookie is {@code key id (4) | nonce (16) | AEAD(key, AD empty, nonce, C2S || S2C)}.
 */
record ChronydServerKeys(int aeadId, Map<Integer, byte[]> keys) {

    static final String IDENTIFIER = "NKS0";
    static final int COOKIE_KEY_ID_LENGTH = 4;
    static final int COOKIE_NONCE_LENGTH = 16;

    static ChronydServerKeys parse(List<String> lines) {
        if (lines.size() < 3 || !lines.get(0).equals(IDENTIFIER)) {
            throw new IllegalArgumentException(
                    "not a chronyd server key dump (expected: " + IDENTIFIER + " first)");
        }
        Map<Integer, byte[]> keys = new LinkedHashMap<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] words = line.split(" ");
            keys.put(Integer.parseUnsignedInt(words[0], 16), HexFormat.of().parseHex(words[1]));
        }
        return new ChronydServerKeys(Integer.parseInt(lines.get(1).split(" ")[0]), keys);
    }

    @Override
    public String toString() {
        return "ChronydServerKeys[AEAD " + aeadId + ", " + keys.size() + " keys]";
    }
}
