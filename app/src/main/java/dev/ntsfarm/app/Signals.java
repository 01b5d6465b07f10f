package dev.ntsfarm.app;

import java.util.List;
import sun.misc.Signal;

/**
 * The signals a service answers, as chronyd's: SIGINT and SIGTERM stop it cleanly, SIGHUP reloads
 * what can be reloaded and never stops it. Handlers run on the JVM's signal thread and only hand
 * the work over.
 */
final class Signals {

    private Signals() {}

    /** {@code action} on SIGINT or SIGTERM. */
    static void onStop(Runnable action) {
        for (String name : List.of("INT", "TERM")) {
            handle(name, action);
        }
    }

    /** {@code action} on SIGHUP; without a handler the JVM's default would end the process. */
    static void onReload(Runnable action) {
        handle("HUP", action);
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), s -> action.run());
        } catch (IllegalArgumentException e) {
            // no such signal on this system, or the JVM keeps it (-Xrs): the others remain
        }
    }
}
