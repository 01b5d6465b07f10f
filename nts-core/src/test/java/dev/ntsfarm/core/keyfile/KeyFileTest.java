package dev.ntsfarm.core.keyfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.ConfigError;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyFileTest {

    private static final String FILE = "/etc/chrony.keys";

    private static KeyFile parsed(String text) {
        return assertInstanceOf(KeyFileResult.Parsed.class, KeyFile.parse(FILE, text)).keyFile();
    }

    private static ConfigError onlyError(String text) {
        List<ConfigError> errors =
                assertInstanceOf(KeyFileResult.Invalid.class, KeyFile.parse(FILE, text)).errors();
        assertEquals(1, errors.size(), errors.toString());
        return errors.getFirst();
    }

    @Test
    void readsTheExamplesOfChronysDocumentation() {
        KeyFile kf =
                parsed(
                        """
                # the command key
                1 SHA1 HEX:A6CFC50C9C93AB6E5A19754C246242FC5471BCDF
                20 foobar
                """);
        assertEquals(2, kf.size());
        SymmetricKey command = kf.get(1).orElseThrow();
        assertEquals(MacAlgorithm.SHA1, command.algorithm());
        assertEquals(
                "a6cfc50c9c93ab6e5a19754c246242fc5471bcdf",
                HexFormat.of().formatHex(command.keyBytes()));
        SymmetricKey foobar = kf.get(20).orElseThrow();
        assertEquals(MacAlgorithm.MD5, foobar.algorithm(), "MD5 is the default hash");
        assertEquals("foobar", new String(foobar.keyBytes(), StandardCharsets.US_ASCII));
        assertTrue(kf.get(2).isEmpty());
    }

    @Test
    void skipsCommentsOfEveryKindAndBlankLinesAndNormalisesWhiteSpace() {
        KeyFile kf =
                parsed(
                        "# hash\n! bang\n; semicolon\n% percent\n   # indented\n\n \t \r\n"
                                + "  5\tSHA256   ASCII:pa#ss%word  \r\n4294967295 AES128 HEX:000102030405060708090a0b0c0d0e0f\n");
        assertEquals(2, kf.size());
        assertEquals(
                "pa#ss%word",
                new String(kf.get(5).orElseThrow().keyBytes(), StandardCharsets.US_ASCII),
                "a comment character inside a word is part of it");
        assertEquals(MacAlgorithm.AES128, kf.get(4294967295L).orElseThrow().algorithm());
    }

    @Test
    void asciiPrefixIsRemovedAndHexIsCaseInsensitive() {
        KeyFile kf = parsed("1 ASCII:HEX:ab\n2 SHA1 HEX:aBcD\n3 MD5 ascii:x\n");
        assertEquals(
                "HEX:ab",
                new String(kf.get(1).orElseThrow().keyBytes(), StandardCharsets.US_ASCII));
        assertEquals("abcd", HexFormat.of().formatHex(kf.get(2).orElseThrow().keyBytes()));
        assertEquals(
                "ascii:x",
                new String(kf.get(3).orElseThrow().keyBytes(), StandardCharsets.US_ASCII),
                "prefixes are case-sensitive, as in chrony");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "7                         | /etc/chrony.keys:2: expected 'ID [HASH] KEY' (2 or 3 words), got 1 word",
                "7 SHA1 HEX:00 extra       | /etc/chrony.keys:2: expected 'ID [HASH] KEY' (2 or 3 words), got 4 words",
                "x1 SHA1 HEX:00            | /etc/chrony.keys:2: expected a key id (a number from 0 to 4294967295) first, got a word of 2 characters",
                "-1 secret                 | /etc/chrony.keys:2: expected a key id (a number from 0 to 4294967295) first, got a word of 2 characters",
                "4294967296 secret         | /etc/chrony.keys:2: expected a key id (a number from 0 to 4294967295) first, got a word of 10 characters",
                "7 sha1 HEX:00             | /etc/chrony.keys:2: key 7: expected a hash (MD5, SHA1, SHA256, SHA384, SHA512, SHA3-224, SHA3-256, SHA3-384, SHA3-512, AES128, AES256) before the key, got a word of 4 characters",
                "7 SHA1 HEX:abc            | /etc/chrony.keys:2: key 7: expected an even number of hex digits after HEX: (the key is not shown)",
                "7 SHA1 HEX:zz             | /etc/chrony.keys:2: key 7: expected an even number of hex digits after HEX: (the key is not shown)",
                "7 SHA1 HEX:+f             | /etc/chrony.keys:2: key 7: expected an even number of hex digits after HEX: (the key is not shown)",
                "7 SHA1 HEX:               | /etc/chrony.keys:2: key 7: expected a non-empty key after HEX:",
                "7 ASCII:                  | /etc/chrony.keys:2: key 7: expected a non-empty key after ASCII:",
                "7 AES128 0123456789abcde  | /etc/chrony.keys:2: key 7: expected a 128-bit key for AES128, got 120 bits",
                "7 AES256 HEX:00           | /etc/chrony.keys:2: key 7: expected a 256-bit key for AES256, got 8 bits",
            })
    void everySyntaxErrorNamesTheLineAndWhatWasExpected(String line, String message) {
        assertEquals(message, onlyError("# first line\n" + line + "\n").toString());
    }

    @Test
    void aKeyTooLongToWriteBackIsRefused() {
        String longest = "x".repeat(KeyFile.MAX_KEY_LENGTH);
        KeyFile kf = parsed("4294967295 SHA3-512 " + longest + "\n");
        String line = KeyFile.formatLine(kf.get(4294967295L).orElseThrow());
        assertTrue(line.length() <= KeyFile.MAX_LINE_LENGTH, line.length() + " characters");
        assertEquals(
                FILE
                        + ":1: key 7: expected a key of at most "
                        + KeyFile.MAX_KEY_LENGTH
                        + " bytes, got "
                        + (KeyFile.MAX_KEY_LENGTH + 1),
                onlyError("7 " + longest + "y\n").toString());
    }

    @Test
    void duplicateIdsAreAnErrorNamingBothLines() {
        ConfigError e = onlyError("3 a\n\n3 SHA1 b\n");
        assertEquals(
                FILE + ":3: key 3: expected a key id not used before, but line 1 has it",
                e.toString());
    }

    @Test
    void reportsEveryBadLineNotJustTheFirst() {
        var result =
                assertInstanceOf(
                        KeyFileResult.Invalid.class, KeyFile.parse(FILE, "a b\n1 ok\nb c\n"));
        assertEquals(List.of(1, 3), result.errors().stream().map(ConfigError::line).toList());
    }

    @Test
    void tooLongLineIsAnError() {
        ConfigError e = onlyError("1 " + "x".repeat(KeyFile.MAX_LINE_LENGTH));
        assertEquals(1, e.line());
        assertTrue(
                e.message().startsWith("expected a line of at most 2047 characters"), e.message());
    }

    @Test
    void formatsAKeyLineAsChronyWritesItsGeneratedCommandKey() {
        SymmetricKey key =
                new SymmetricKey(
                        1,
                        MacAlgorithm.SHA1,
                        HexFormat.of().parseHex("a6cfc50c9c93ab6e5a19754c246242fc5471bcdf"));
        assertEquals(
                "1 SHA1 HEX:A6CFC50C9C93AB6E5A19754C246242FC5471BCDF", KeyFile.formatLine(key));
        KeyFile kf =
                KeyFile.of(List.of(key, new SymmetricKey(0, MacAlgorithm.MD5, new byte[] {1})));
        assertEquals(
                "0 MD5 HEX:01\n1 SHA1 HEX:A6CFC50C9C93AB6E5A19754C246242FC5471BCDF\n", kf.format());
        assertEquals(key, parsed(kf.format()).get(1).orElseThrow());
    }

    @Test
    void generatesKeysOfTheLengthChronyGenerates() {
        SecureRandom random = new SecureRandom();
        SymmetricKey sha1 = SymmetricKey.generate(1, MacAlgorithm.SHA1, random);
        assertEquals(20, sha1.keyLength());
        assertTrue(sha1.isSecureLength());
        assertEquals(32, SymmetricKey.generate(2, MacAlgorithm.AES256, random).keyLength());
        assertFalse(
                sha1.equals(SymmetricKey.generate(1, MacAlgorithm.SHA1, random)),
                "two draws differ");
    }

    @Test
    void toStringNeverShowsKeyBytes() {
        SymmetricKey key =
                new SymmetricKey(
                        42,
                        MacAlgorithm.SHA256,
                        "topsecretvalue".getBytes(StandardCharsets.US_ASCII));
        String s = key.toString();
        assertEquals("SymmetricKey[id=42, algorithm=SHA256, bits=112]", s);
        String kf = KeyFile.of(List.of(key)).toString();
        assertFalse(
                kf.contains("topsecret") || kf.contains(HexFormat.of().formatHex(key.keyBytes())),
                kf);
    }

    @Test
    void keyBytesAreCopiedInAndOut() {
        byte[] secret = {1, 2, 3};
        SymmetricKey key = new SymmetricKey(1, MacAlgorithm.MD5, secret);
        secret[0] = 9;
        key.keyBytes()[1] = 9;
        assertEquals("010203", HexFormat.of().formatHex(key.keyBytes()));
    }

    @Test
    void constructorRefusesWhatTheFileCannotHold() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new SymmetricKey(-1, MacAlgorithm.MD5, new byte[1]));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SymmetricKey(1L << 32, MacAlgorithm.MD5, new byte[1]));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SymmetricKey(1, MacAlgorithm.MD5, new byte[0]));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SymmetricKey(1, MacAlgorithm.AES128, new byte[15]));
    }
}
