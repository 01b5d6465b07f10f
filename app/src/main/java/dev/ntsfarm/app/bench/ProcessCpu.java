package dev.ntsfarm.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The CPU time another process has used, summed over every thread it has now: each thread's time on
 * a CPU in nanoseconds, the first field of {@code /proc/PID/task/TID/schedstat} (finer than {@code
 * stat}'s clock ticks). A thread that ended between two readings takes its time with it, so read
 * before and after a run of a server whose threads live as long as it does.
 */
final class ProcessCpu {

    private final long pid;
    private int threads;

    private ProcessCpu(long pid) {
        this.pid = pid;
    }

    /**
     * @throws IllegalArgumentException when there is no such process to read
     */
    static ProcessCpu of(long pid) {
        if (!Files.isDirectory(Path.of("/proc", Long.toString(pid), "task"))) {
            throw new IllegalArgumentException("--server-pid: no process " + pid + " in /proc");
        }
        return new ProcessCpu(pid);
    }

    /** CPU nanoseconds used by every thread of the process now alive. */
    long nanos() {
        long total = 0;
        int n = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String line = Files.readString(t.resolve("schedstat")).trim();
                    total += Long.parseLong(line.substring(0, line.indexOf(' ')));
                    n++;
                } catch (NoSuchFileException ended) {
                    // the thread ended while we listed them
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc/" + pid + "/task", e);
        }
        threads = n;
        return total;
    }

    /** Threads counted by the last {@link #nanos()}. */
    int threads() {
        return threads;
    }
}
