package dev.ntsfarm.core.keyfile;

import dev.ntsfarm.core.config.ChronyWords;
import dev.ntsfarm.core.config.ConfigError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * chrony's key file ({@code keyfile} directive): one key a line, {@code ID [HASH] KEY}.
 *
 * <p>Syntax as chrony 4.3 reads it ({@code keys.c}, {@code cmdparse.c}):
 *
 * <ul>
 *   <li>a line whose first non-blank character is one of {@code # ! ; %} is a comment, and so is a
 *       blank line; a comment character later in a line is part of a word;
 *   <li>two or three words separated by white space: the id, an optional HASH, the KEY;
 *   <li>ID is a decimal unsigned 32-bit number;
 *   <li>HASH, case-sensitive: {@code MD5} (the default), {@code SHA1}, {@code SHA256}, {@code
 *       SHA384}, {@code SHA512}, {@code SHA3-224} .. {@code SHA3-512}, {@code AES128} or {@code
 *       AES256} (AES-CMAC, the key must be exactly 16 or 32 bytes);
 *   <li>KEY is {@code HEX:} followed by an even number of hex digits, {@code ASCII:} followed by
 *       the key's characters, or the bare characters; it must not be empty.
 * </ul>
 *
 * <p>Where chrony only warns and skips a line, this parser reports an error, so a mistake cannot
 * silently leave a key out: bad lines, an unknown HASH, a CMAC key of the wrong length and
 * duplicate ids (chrony keeps an arbitrary one). It is also stricter on numbers: an id is digits
 * only (chrony's {@code sscanf} also takes a sign or trailing junk), and a hex pair is two hex
 * digits (chrony's {@code strtol} also takes {@code +f}).
 */
public final class KeyFile {

    /** chrony reads key lines into a 2048-byte buffer, terminator included. */
    public static final int MAX_LINE_LENGTH = 2047;

    /**
     * The longest key this file takes: one whose {@link #formatLine} (the {@code HEX:} form, with
     * the longest id and hash name) still fits in a line, so every key read can be written back.
     */
    public static final int MAX_KEY_LENGTH =
            (MAX_LINE_LENGTH - "4294967295 SHA3-512 HEX:".length()) / 2;

    static final String HEX_PREFIX = "HEX:";
    static final String ASCII_PREFIX = "ASCII:";
    private static final String COMMENT_STARTS = "#!;%";
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final TreeMap<Long, SymmetricKey> keys;

    private KeyFile(TreeMap<Long, SymmetricKey> keys) {
        this.keys = keys;
    }

    /** A key file holding {@code keys}; their ids must differ. */
    public static KeyFile of(Collection<SymmetricKey> keys) {
        TreeMap<Long, SymmetricKey> map = new TreeMap<>();
        for (SymmetricKey k : keys) {
            if (map.putIfAbsent(k.id(), k) != null) {
                throw new IllegalArgumentException("duplicate key id " + k.id());
            }
        }
        return new KeyFile(map);
    }

    /**
     * Reads a key file's text. Never throws on bad input: every mistake comes back as a {@link
     * ConfigError} naming {@code sourceName}, the line and what was expected.
     */
    public static KeyFileResult parse(String sourceName, String text) {
        TreeMap<Long, SymmetricKey> map = new TreeMap<>();
        TreeMap<Long, Integer> lineOf = new TreeMap<>();
        List<ConfigError> errors = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            lineNumber++;
            String line = text.substring(start, end);
            start = end + 1;
            if (start > text.length() && line.isEmpty()) {
                break;
            }
            Object parsed = parseLine(line);
            switch (parsed) {
                case null -> {}
                case String message -> errors.add(new ConfigError(sourceName, lineNumber, message));
                case SymmetricKey key -> {
                    Integer first = lineOf.putIfAbsent(key.id(), lineNumber);
                    if (first != null) {
                        errors.add(
                                new ConfigError(
                                        sourceName,
                                        lineNumber,
                                        "key "
                                                + key.id()
                                                + ": expected a key id not used before, but line "
                                                + first
                                                + " has it"));
                    } else {
                        map.put(key.id(), key);
                    }
                }
                default -> throw new IllegalStateException("unexpected " + parsed.getClass());
            }
        }
        return errors.isEmpty()
                ? new KeyFileResult.Parsed(new KeyFile(map))
                : new KeyFileResult.Invalid(errors);
    }

    /** A key, {@code null} for a comment or blank line, or an error message. */
    private static Object parseLine(String line) {
        if (line.length() > MAX_LINE_LENGTH) {
            return "expected a line of at most "
                    + MAX_LINE_LENGTH
                    + " characters, got "
                    + line.length();
        }
        List<String> words = ChronyWords.split(line);
        if (words.isEmpty() || COMMENT_STARTS.indexOf(words.getFirst().charAt(0)) >= 0) {
            return null;
        }
        if (words.size() < 2 || words.size() > 3) {
            return "expected 'ID [HASH] KEY' (2 or 3 words), got "
                    + words.size()
                    + (words.size() == 1 ? " word" : " words");
        }
        String idWord = words.getFirst();
        long id = parseId(idWord);
        if (id < 0) {
            // the word may be a key in the wrong place: describe it, never quote it
            return "expected a key id (a number from 0 to "
                    + SymmetricKey.MAX_ID
                    + ") first, got "
                    + shape(idWord);
        }
        MacAlgorithm algorithm = MacAlgorithm.DEFAULT;
        if (words.size() == 3) {
            algorithm = MacAlgorithm.fromChronyName(words.get(1));
            if (algorithm == null) {
                return "key "
                        + id
                        + ": expected a hash ("
                        + hashNames()
                        + ") before the key, got "
                        + shape(words.get(1));
            }
        }
        String keyWord = words.getLast();
        byte[] secret;
        if (keyWord.startsWith(HEX_PREFIX)) {
            secret = parseHex(keyWord.substring(HEX_PREFIX.length()));
            if (secret == null) {
                return "key "
                        + id
                        + ": expected an even number of hex digits after HEX: (the key is not shown)";
            }
        } else if (keyWord.startsWith(ASCII_PREFIX)) {
            secret = keyWord.substring(ASCII_PREFIX.length()).getBytes(StandardCharsets.UTF_8);
        } else {
            secret = keyWord.getBytes(StandardCharsets.UTF_8);
        }
        if (secret.length == 0) {
            return "key "
                    + id
                    + ": expected a non-empty key"
                    + (keyWord.isEmpty() ? "" : " after " + keyWord);
        }
        if (secret.length > MAX_KEY_LENGTH) {
            return "key "
                    + id
                    + ": expected a key of at most "
                    + MAX_KEY_LENGTH
                    + " bytes, got "
                    + secret.length;
        }
        if (algorithm.isCmac() && secret.length != algorithm.cmacKeyLength()) {
            return "key "
                    + id
                    + ": expected a "
                    + 8 * algorithm.cmacKeyLength()
                    + "-bit key for "
                    + algorithm.chronyName()
                    + ", got "
                    + 8 * secret.length
                    + " bits";
        }
        return new SymmetricKey(id, algorithm, secret);
    }

    /**
     * A word of the file described without its text, which may be secret: "a word of 12
     * characters".
     */
    private static String shape(String word) {
        return "a word of " + word.length() + (word.length() == 1 ? " character" : " characters");
    }

    private static long parseId(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= SymmetricKey.MAX_ID ? v : -1;
    }

    private static byte[] parseHex(String s) {
        if (s.length() % 2 != 0) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 'f') {
                return null;
            }
        }
        return HexFormat.of().parseHex(s);
    }

    private static String hashNames() {
        StringBuilder sb = new StringBuilder();
        for (MacAlgorithm a : MacAlgorithm.values()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(a.chronyName());
        }
        return sb.toString();
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    /** The key with id {@code id}. */
    public Optional<SymmetricKey> get(long id) {
        return Optional.ofNullable(keys.get(id));
    }

    /** Every key, by increasing id. */
    public List<SymmetricKey> keys() {
        return List.copyOf(keys.values());
    }

    public int size() {
        return keys.size();
    }

    /** This key file with {@code key} added, or replacing the key with the same id. */
    public KeyFile with(SymmetricKey key) {
        TreeMap<Long, SymmetricKey> map = new TreeMap<>(keys);
        map.put(key.id(), key);
        return new KeyFile(map);
    }

    /**
     * The key's line as chrony writes a generated key: {@code ID HASH HEX:DIGITS}, digits in upper
     * case.
     */
    public static String formatLine(SymmetricKey key) {
        return key.id()
                + " "
                + key.algorithm().chronyName()
                + " "
                + HEX_PREFIX
                + HEX.formatHex(key.secret());
    }

    /** The whole file's text, one {@link #formatLine} a line. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (SymmetricKey k : keys.values()) {
            sb.append(formatLine(k)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "KeyFile[" + keys.size() + " keys, ids=" + keys.keySet() + "]";
    }
}
