package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineConfigTest {

    @TempDir Path dir;

    @Test
    void readsTheFile() throws IOException {
        Path f = Files.writeString(dir.resolve("farm.conf"), "# farm\nport 11123\nntsport 14460\n");
        var loaded =
                assertInstanceOf(
                        CommandLineConfig.Result.Loaded.class,
                        CommandLineConfig.load(List.of("-f", f.toString()), null));
        assertEquals("11123", loaded.config().last("port").orElseThrow().args().getFirst());
        assertEquals(2, loaded.config().directives().size());
    }

    @Test
    void directivesOnTheCommandLineReplaceTheFile() throws IOException {
        Path f = Files.writeString(dir.resolve("farm.conf"), "port 11123\n");
        var loaded =
                assertInstanceOf(
                        CommandLineConfig.Result.Loaded.class,
                        CommandLineConfig.load(List.of("-f", f.toString(), "ntsport 14460"), null));
        assertEquals(
                List.of("ntsport"),
                loaded.config().directives().stream().map(d -> d.name()).toList());
    }

    @Test
    void mistakesNameFileAndLine() throws IOException {
        Path f = Files.writeString(dir.resolve("farm.conf"), "port 11123\nsever 127.0.0.1\n");
        var failed =
                assertInstanceOf(
                        CommandLineConfig.Result.Failed.class,
                        CommandLineConfig.load(List.of("-f", f.toString()), null));
        assertEquals(List.of(f + ":2: unknown directive 'sever'"), failed.messages());
    }

    @Test
    void aMissingFileIsSaidPlainly() {
        var failed =
                assertInstanceOf(
                        CommandLineConfig.Result.Failed.class,
                        CommandLineConfig.load(
                                List.of("-f", dir.resolve("nope.conf").toString()), null));
        assertEquals(
                List.of("cannot read " + dir.resolve("nope.conf") + ": no such file"),
                failed.messages());
    }

    @Test
    void nothingGivenMeansDefaults() {
        var loaded =
                assertInstanceOf(
                        CommandLineConfig.Result.Loaded.class,
                        CommandLineConfig.load(List.of(), null));
        assertEquals(0, loaded.config().directives().size());
    }
}
