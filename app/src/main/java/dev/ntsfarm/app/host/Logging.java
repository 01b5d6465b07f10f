package dev.ntsfarm.app.host;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The services' log: one line a record with its time and level, as text or as a JSON object, on
 * standard error or in a file ({@code -l FILE}, {@code logdir DIR}), at the level {@code -L} sets.
 * A file is opened for appending and opened again on SIGHUP, so logrotate can move it away. An
 * exception shows as its class and message on the same line, never as a stack trace.
 */
public final class Logging {

    /** How records are written. */
    public enum Format {
        TEXT,
        JSON
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static volatile LineHandler handler;

    private Logging() {}

    /**
     * chronyd's {@code -L}: 0 informational, 1 warning, 2 error, 3 fatal, -1 debug; or a name
     * ({@code debug}, {@code info}, {@code warning}, {@code error}).
     *
     * @return the level, empty when {@code word} is neither
     */
    public static Optional<Level> level(String word) {
        return Optional.ofNullable(
                switch (word.toLowerCase(Locale.ROOT)) {
                    case "-1", "debug" -> Level.FINE;
                    case "0", "info" -> Level.INFO;
                    case "1", "warning", "warn" -> Level.WARNING;
                    case "2", "3", "error", "fatal" -> Level.SEVERE;
                    default -> null;
                });
    }

    /**
     * Sends every record of this process at {@code level} or above to {@code file} (standard error
     * when empty).
     */
    public static synchronized void configure(Level level, Optional<Path> file, Format format)
            throws IOException {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        LineHandler h = new LineHandler(file, format);
        h.setLevel(level);
        root.setLevel(level);
        root.addHandler(h);
        // the libraries' chatter stays at warning unless debugging
        for (String noisy : new String[] {"com.hazelcast", "io.netty", "io.vertx"}) {
            Logger.getLogger(noisy)
                    .setLevel(level.intValue() <= Level.FINE.intValue() ? level : Level.WARNING);
        }
        LineHandler old = handler;
        handler = h;
        if (old != null) {
            old.close();
        }
    }

    /**
     * Opens the log file again (SIGHUP, after logrotate moved it); nothing to do on standard error.
     */
    public static void reopen() {
        LineHandler h = handler;
        if (h != null) {
            h.reopen();
        }
    }

    /** One record, one line. */
    public static String line(LogRecord r, Format format) {
        String message =
                new Formatter() {
                    @Override
                    public String format(LogRecord record) {
                        return formatMessage(record);
                    }
                }.format(r);
        Throwable t = r.getThrown();
        if (t != null) {
            message =
                    message
                            + " ("
                            + t.getClass().getSimpleName()
                            + (t.getMessage() != null ? ": " + t.getMessage() : "")
                            + ")";
        }
        message = message.replace("\r", " ").replace("\n", " | ");
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
        String time = TIME.format(Instant.ofEpochMilli(r.getMillis()));
        return switch (format) {
            case TEXT -> time + " " + name(r.getLevel()) + " " + shortName(logger) + ": " + message;
            case JSON ->
                    new JsonObject()
                            .put("time", time)
                            .put("level", name(r.getLevel()).strip())
                            .put("logger", logger)
                            .put("thread", Thread.currentThread().getName())
                            .put("message", message)
                            .encode();
        };
    }

    private static String name(Level l) {
        if (l.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (l.intValue() >= Level.WARNING.intValue()) {
            return "WARN ";
        }
        if (l.intValue() >= Level.INFO.intValue()) {
            return "INFO ";
        }
        return "DEBUG";
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static final class LineHandler extends Handler {
        private final Optional<Path> file;
        private final Format format;
        private PrintStream out;

        LineHandler(Optional<Path> file, Format format) throws IOException {
            this.file = file;
            this.format = format;
            this.out = open();
        }

        private PrintStream open() throws IOException {
            if (file.isEmpty()) {
                return System.err;
            }
            Path parent = file.get().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            OutputStream o =
                    Files.newOutputStream(
                            file.get(),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND,
                            StandardOpenOption.WRITE);
            return new PrintStream(o, true, StandardCharsets.UTF_8);
        }

        synchronized void reopen() {
            if (file.isEmpty()) {
                return;
            }
            try {
                PrintStream fresh = open();
                PrintStream old = out;
                out = fresh;
                old.close();
            } catch (IOException e) {
                out.println(
                        line(
                                new LogRecord(
                                        Level.WARNING,
                                        "cannot reopen the log "
                                                + file.get()
                                                + ": "
                                                + e.getMessage()),
                                format));
            }
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (isLoggable(record)) {
                out.println(line(record, format));
            }
        }

        @Override
        public synchronized void flush() {
            out.flush();
        }

        @Override
        public synchronized void close() {
            if (out != System.err) {
                out.close();
            }
        }
    }
}
