package dev.ntsfarm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SourceDirectivePropertiesTest {

    @Provide
    Arbitrary<SourceDirective> sources() {
        return Builders.withBuilder(() -> new Object[10])
                .use(Arbitraries.of(SourceDirective.Kind.class))
                .in(
                        (a, v) -> {
                            a[0] = v;
                            return a;
                        })
                .use(
                        Arbitraries.strings()
                                .alpha()
                                .numeric()
                                .withChars(".-:")
                                .ofMinLength(1)
                                .ofMaxLength(30))
                .in(
                        (a, v) -> {
                            a[1] = v;
                            return a;
                        })
                .use(Arbitraries.integers().between(1, 65535))
                .in(
                        (a, v) -> {
                            a[2] = v;
                            return a;
                        })
                .use(Arbitraries.integers().between(1, 65535))
                .in(
                        (a, v) -> {
                            a[3] = v;
                            return a;
                        })
                .use(Arbitraries.of(true, false))
                .in(
                        (a, v) -> {
                            a[4] = v;
                            return a;
                        })
                .use(Arbitraries.of(true, false))
                .in(
                        (a, v) -> {
                            a[5] = v;
                            return a;
                        })
                .use(Arbitraries.longs().between(0, 0xFFFF_FFFFL))
                .in(
                        (a, v) -> {
                            a[6] = v;
                            return a;
                        })
                .use(Arbitraries.integers().between(-7, 24))
                .in(
                        (a, v) -> {
                            a[7] = v;
                            return a;
                        })
                .use(Arbitraries.integers().between(-7, 24))
                .in(
                        (a, v) -> {
                            a[8] = v;
                            return a;
                        })
                .use(Arbitraries.integers().between(0, 64).map(n -> n == 0 ? -1 : n))
                .in(
                        (a, v) -> {
                            a[9] = v;
                            return a;
                        })
                .build(
                        a ->
                                new SourceDirective(
                                        (SourceDirective.Kind) a[0],
                                        (String) a[1],
                                        (int) a[2],
                                        (int) a[3],
                                        (boolean) a[4],
                                        (boolean) a[5],
                                        (long) a[6],
                                        (int) a[7],
                                        (int) a[8],
                                        (int) a[9]));
    }

    @Property(tries = 500)
    void sourceLineParsesBackToTheSameSource(@ForAll("sources") SourceDirective source)
            throws ConfigException {
        Config c =
                assertInstanceOf(
                                ConfigResult.Parsed.class,
                                Config.fromArgs(List.of(source.toLine())))
                        .config();
        assertEquals(List.of(source), c.sources());
    }
}
