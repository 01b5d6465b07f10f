package dev.ntsfarm.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Waiting on another process (chronyd's reach register, a farm in another JVM), which offers
 * nothing to wait on but its answers: ask, and ask again after a pause, until the answer is the one
 * expected or the deadline passes. Within one JVM, wait on futures and latches instead.
 */
public final class Await {

    private Await() {}

    /** Something to ask that may fail. */
    @FunctionalInterface
    public interface Query<T> {
        T get() throws Exception;
    }

    /**
     * Asks {@code query} every {@code every} until {@code done} holds or {@code timeout} passes,
     * and returns the last answer either way: the caller asserts on it, so a failure shows what was
     * seen.
     */
    public static <T> T until(Duration timeout, Duration every, Query<T> query, Predicate<T> done)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        T answer = query.get();
        while (!done.test(answer) && Instant.now().isBefore(deadline)) {
            // another process's state: nothing to wait on but time
            Thread.sleep(every.toMillis());
            answer = query.get();
        }
        return answer;
    }
}
