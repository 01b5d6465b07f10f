package dev.ntsfarm.agent;

import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.agent.kernel.KernelClock;
import dev.ntsfarm.agent.kernel.ReadOnlyClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The agent as a daemon: its own Vert.x, the sources and the control endpoint on {@code cmdport}. */
public final class AgentDaemon {

    private final AgentConfig config;
    private final Consumer<String> log;
    private final ClockControl clock;
    private Vertx vertx;
    private Agent agent;
    private dev.ntsfarm.agent.control.AgentControlServer control;

    public AgentDaemon(AgentConfig config, boolean noClock, Consumer<String> log) {
        this.config = config;
        this.log = log;
        this.clock = noClock ? new ReadOnlyClock() : KernelClock.system();
    }

    public Future<Void> start() {
        vertx = Vertx.vertx();
        agent = new Agent(vertx, config, log, clock);
        control = new dev.ntsfarm.agent.control.AgentControlServer(vertx, agent, clock, config);
        return agent.start().compose(v -> control.start()).onSuccess(v -> {
            if (clock instanceof ReadOnlyClock) {
                log.accept("Disabled control of system clock");
            }
        });
    }

    public Agent agent() {
        return agent;
    }

    /** The control endpoint's port (the real one when {@code cmdport} was 0 ... for tests). */
    public int controlPort() {
        return control == null ? -1 : control.port();
    }

    public void stop() {
        if (vertx == null) {
            return;
        }
        Future<Void> f = (control == null ? Future.<Void>succeededFuture() : control.stop())
                .eventually(() -> agent.stop()).eventually(() -> vertx.close());
        f.toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> null).join();
        vertx = null;
    }
}
