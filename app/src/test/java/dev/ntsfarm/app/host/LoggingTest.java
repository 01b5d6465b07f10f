package dev.ntsfarm.app.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoggingTest {

    @TempDir Path dir;

    @AfterEach
    void restore() throws Exception {
        LogManager.getLogManager().readConfiguration();
    }

    @Test
    void aRecordIsOneLineWithItsLevelAndAnExceptionIsItsClassAndMessage() {
        LogRecord r = new LogRecord(Level.WARNING, "first line\nsecond line {0}");
        r.setParameters(new Object[] {42});
        r.setLoggerName("dev.ntsfarm.ke.service.NtsKeServer");
        r.setThrown(new IllegalStateException("broken\nbadly"));
        String text = Logging.line(r, Logging.Format.TEXT);
        assertFalse(text.contains("\n"), text);
        assertTrue(
                text.matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  NtsKeServer: first line \\| second line 42"
                                + " \\(IllegalStateException: broken \\| badly\\)"),
                text);
        JsonObject json = new JsonObject(Logging.line(r, Logging.Format.JSON));
        assertEquals("WARN", json.getString("level"));
        assertEquals("dev.ntsfarm.ke.service.NtsKeServer", json.getString("logger"));
        assertTrue(
                json.getString("message").startsWith("first line | second line 42"), json.encode());
    }

    @Test
    void levelsAsChronydNumbersThemOrByName() {
        assertEquals(Optional.of(Level.FINE), Logging.level("-1"));
        assertEquals(Optional.of(Level.INFO), Logging.level("0"));
        assertEquals(Optional.of(Level.WARNING), Logging.level("1"));
        assertEquals(Optional.of(Level.SEVERE), Logging.level("2"));
        assertEquals(Optional.of(Level.WARNING), Logging.level("warning"));
        assertEquals(Optional.empty(), Logging.level("loud"));
        assertInstanceOf(
                LogSettings.Parsed.Mistake.class, LogSettings.from("up", List.of("-L", "loud")));
        assertInstanceOf(LogSettings.Parsed.Mistake.class, LogSettings.from("up", List.of("-l")));
    }

    @Test
    void theFileIsFilteredByLevelAndOpenedAgainAfterLogrotateMovedIt() throws Exception {
        Path conf =
                Files.writeString(
                        dir.resolve("up.conf"),
                        "logdir " + dir.resolve("log") + "\nlogformat json\nport 0\n");
        LogSettings s =
                ((LogSettings.Parsed.Ok)
                                LogSettings.from("up", List.of("-L", "1", "-f", conf.toString())))
                        .settings();
        assertEquals(List.of("-f", conf.toString()), s.rest());
        assertEquals(Optional.of(dir.resolve("log").resolve("ntsfarm-up.log")), s.file());
        assertEquals(Logging.Format.JSON, s.format());
        Logging.configure(s.level(), s.file(), s.format());
        Logger log = Logger.getLogger("dev.ntsfarm.test");
        log.info("not at warning");
        log.warning("kept");
        Path file = s.file().orElseThrow();
        Files.move(file, dir.resolve("log").resolve("ntsfarm-up.log.1"));
        Logging.reopen();
        log.severe("after rotation");
        List<String> rotated = Files.readAllLines(dir.resolve("log").resolve("ntsfarm-up.log.1"));
        assertEquals(1, rotated.size(), rotated.toString());
        assertEquals("kept", new JsonObject(rotated.getFirst()).getString("message"));
        List<String> fresh = Files.readAllLines(file);
        assertEquals(1, fresh.size(), fresh.toString());
        assertEquals("ERROR", new JsonObject(fresh.getFirst()).getString("level"));
    }
}
