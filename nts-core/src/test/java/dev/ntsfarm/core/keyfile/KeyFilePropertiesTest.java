package dev.ntsfarm.core.keyfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class KeyFilePropertiesTest {

    @Provide
    Arbitrary<SymmetricKey> keys() {
        Arbitrary<Long> ids = Arbitraries.longs().between(0, SymmetricKey.MAX_ID);
        Arbitrary<MacAlgorithm> algorithms = Arbitraries.of(MacAlgorithm.class);
        return Combinators.combine(
                        ids,
                        algorithms,
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64))
                .as(
                        (id, a, bytes) ->
                                new SymmetricKey(
                                        id,
                                        a,
                                        a.isCmac()
                                                ? java.util.Arrays.copyOf(bytes, a.cmacKeyLength())
                                                : bytes));
    }

    @Provide
    Arbitrary<List<SymmetricKey>> keyLists() {
        return keys().list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<SymmetricKey> digestKeys() {
        return keys().filter(k -> !k.algorithm().isCmac());
    }

    @Property(tries = 300)
    void formattedKeysParseBackToTheSameKeys(@ForAll("keyLists") List<SymmetricKey> drawn) {
        List<SymmetricKey> unique = new ArrayList<>();
        drawn.stream()
                .filter(k -> unique.stream().noneMatch(u -> u.id() == k.id()))
                .forEach(unique::add);
        KeyFile kf = KeyFile.of(unique);
        KeyFile back =
                assertInstanceOf(KeyFileResult.Parsed.class, KeyFile.parse("k", kf.format()))
                        .keyFile();
        assertEquals(kf.keys(), back.keys());
        assertEquals(kf.format(), back.format());
    }

    @Property(tries = 300)
    void asciiKeysParseToTheirCharacters(
            @ForAll("digestKeys") SymmetricKey key, @ForAll("asciiWords") String word) {
        KeyFile kf =
                assertInstanceOf(
                                KeyFileResult.Parsed.class,
                                KeyFile.parse(
                                        "k",
                                        key.id()
                                                + " "
                                                + key.algorithm().chronyName()
                                                + " ASCII:"
                                                + word
                                                + "\n"
                                                + (key.id() ^ 1)
                                                + " "
                                                + word))
                        .keyFile();
        byte[] bytes = word.getBytes(StandardCharsets.US_ASCII);
        assertEquals(
                new SymmetricKey(key.id(), key.algorithm(), bytes), kf.get(key.id()).orElseThrow());
        assertEquals(
                new SymmetricKey(key.id() ^ 1, MacAlgorithm.MD5, bytes),
                kf.get(key.id() ^ 1).orElseThrow());
    }

    @Provide
    Arbitrary<String> asciiWords() {
        // printable ASCII without space, not starting like a prefix or a comment
        return Arbitraries.strings()
                .withCharRange('!', '~')
                .ofMinLength(1)
                .ofMaxLength(40)
                .filter(s -> !s.startsWith("HEX:") && !s.startsWith("ASCII:"));
    }
}
