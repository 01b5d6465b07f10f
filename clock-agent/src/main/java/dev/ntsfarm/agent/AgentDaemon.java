package dev.ntsfarm.agent;

import dev.ntsfarm.agent.kernel.KernelClock;
import dev.ntsfarm.agent.kernel.ReadOnlyClock;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent as a daemon: its own Vert.x and the sources, and beside them whatever the application
 * attaches (the control endpoint on {@code cmdport}, which the control plane serves).
 */
public final class AgentDaemon {

    /** Something started beside the agent once its sources run, and stopped before they stop. */
    public interface Attachment {
        Future<Void> start(Vertx vertx, Agent agent, ClockControl clock);

        Future<Void> stop();
    }

    /**
     * Makes the attachment from the daemon's configuration; a mistake names file, line and what was
     * expected.
     */
    @FunctionalInterface
    public interface Attachments {
        Attachment create(Config config, Consumer<String> log) throws ConfigException;

        /** Nothing attached. */
        Attachments NONE = (config, log) -> null;
    }

    private final AgentConfig config;
    private final Consumer<String> log;
    private final ClockControl clock;
    private final Attachment attachment;
    private Vertx vertx;
    private Agent agent;

    public AgentDaemon(AgentConfig config, boolean noClock, Consumer<String> log) {
        this(config, noClock, log, null);
    }

    /**
     * @param attachment started after the agent, stopped before it; null for none
     */
    public AgentDaemon(
            AgentConfig config, boolean noClock, Consumer<String> log, Attachment attachment) {
        this.config = config;
        this.log = log;
        this.clock = noClock ? new ReadOnlyClock() : KernelClock.system();
        this.attachment = attachment;
    }

    public Future<Void> start() {
        // the native transport where it is on the class path: a Unix socket endpoint needs it
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        agent = new Agent(vertx, config, log, clock);
        return agent.start()
                .compose(
                        v ->
                                attachment == null
                                        ? Future.<Void>succeededFuture()
                                        : attachment.start(vertx, agent, clock))
                .onSuccess(
                        v -> {
                            if (clock instanceof ReadOnlyClock) {
                                log.accept("Disabled control of system clock");
                            }
                        });
    }

    public Agent agent() {
        return agent;
    }

    public void stop() {
        if (vertx == null) {
            return;
        }
        Future<Void> f =
                (attachment == null ? Future.<Void>succeededFuture() : attachment.stop())
                        .eventually(() -> agent.stop())
                        .eventually(() -> vertx.close());
        f.toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(x -> null)
                .join();
        vertx = null;
    }
}
