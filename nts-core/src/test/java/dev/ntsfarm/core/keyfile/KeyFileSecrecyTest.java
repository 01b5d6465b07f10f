package dev.ntsfarm.core.keyfile;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ntsfarm.core.config.ConfigError;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A key file's errors name the file, the line and the fault, and never a byte of a key. */
class KeyFileSecrecyTest {

    @Test
    void noErrorQuotesAKeyHoweverTheLineIsBroken() {
        Random random = new Random(10);
        String[] hashes = {"", "SHA1 ", "SHA256 ", "AES128 ", "sha9 "};
        for (int i = 0; i < 10_000; i++) {
            byte[] secret = new byte[4 + random.nextInt(28)];
            random.nextBytes(secret);
            String hex = HexFormat.of().withUpperCase().formatHex(secret);
            String key =
                    switch (random.nextInt(3)) {
                        case 0 -> "HEX:" + hex;
                        case 1 -> "ASCII:" + hex;
                        default -> hex;
                    };
            // break the line: drop, duplicate or replace a character, swap the words, add one
            StringBuilder line =
                    new StringBuilder(
                            (random.nextInt(5) == 0 ? "x" : "")
                                    + random.nextInt(100)
                                    + " "
                                    + hashes[random.nextInt(hashes.length)]
                                    + key);
            int at = random.nextInt(line.length());
            switch (random.nextInt(5)) {
                case 0 -> line.deleteCharAt(at);
                case 1 -> line.insert(at, line.charAt(at));
                case 2 -> line.setCharAt(at, "Zz+ -:#".charAt(random.nextInt(7)));
                case 3 -> line.replace(0, line.length(), key + " 7");
                default -> line.append(" extra");
            }
            if (KeyFile.parse("k.keys", "1 MD5 ok\n" + line + "\n")
                    instanceof KeyFileResult.Invalid inv) {
                for (ConfigError e : inv.errors()) {
                    String text = e.toString();
                    String visible = hex.substring(0, Math.min(hex.length(), 6));
                    assertFalse(text.contains(visible), "line '" + line + "' gave: " + text);
                }
            }
        }
    }
}
