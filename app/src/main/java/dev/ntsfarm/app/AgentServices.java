package dev.ntsfarm.app;

import dev.ntsfarm.agent.Agent;
import dev.ntsfarm.agent.AgentDaemon;
import dev.ntsfarm.app.control.AgentEndpoint;
import dev.ntsfarm.app.control.ClockAgentAdapter;
import dev.ntsfarm.app.host.Logging;
import dev.ntsfarm.app.host.SdNotify;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.file.PidFile;
import dev.ntsfarm.metrics.AgentMetrics;
import dev.ntsfarm.metrics.MetricsOptions;
import dev.ntsfarm.metrics.MetricsServer;
import dev.ntsfarm.metrics.ProcessMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the clock agent daemon runs beside its sources: the control endpoint, the metrics and status
 * page ({@code metricsport}, {@code bindmetricsaddress}), its {@code pidfile}, and systemd's
 * readiness once both listen. Metrics read the agent through the same {@code ClockAgentControl} as
 * the control endpoint.
 */
final class AgentServices implements AgentDaemon.Attachment {

    private final AgentEndpoint endpoint;
    private final MetricsOptions metricsOptions;
    private final Consumer<String> log;
    private final Optional<Path> pidPath;
    private volatile PidFile pid;
    private volatile MetricsServer metrics;
    private volatile ProcessMetrics processMetrics;

    private AgentServices(
            AgentEndpoint endpoint,
            MetricsOptions metricsOptions,
            Optional<Path> pidPath,
            Consumer<String> log) {
        this.endpoint = endpoint;
        this.metricsOptions = metricsOptions;
        this.pidPath = pidPath;
        this.log = log;
    }

    /** What {@code ntsfarm agent} attaches. */
    static AgentDaemon.Attachments attachments() {
        return AgentServices::from;
    }

    static AgentServices from(Config config, Consumer<String> log) throws ConfigException {
        return new AgentServices(
                AgentEndpoint.from(config, log),
                MetricsOptions.fromConfig(config),
                ServiceCommand.pidFile(config),
                log);
    }

    @Override
    public Future<Void> start(Vertx vertx, Agent agent, ClockControl clock) {
        if (pidPath.isPresent()) {
            try {
                pid = PidFile.write(pidPath.get());
            } catch (IOException e) {
                return Future.failedFuture(e);
            }
        }
        // SIGTERM/SIGINT: exit 0 as chronyd does (the JVM's own answer is 143, a failed unit to
        // systemd); the shutdown hook stops the daemon first, writing the drift file and NTS dumps
        Signals.onStop(() -> System.exit(0));
        // SIGHUP: the log opened again and the key file read again, as the farm's services do
        Signals.onReload(
                () -> {
                    Logging.reopen();
                    agent.reloadKeyFile()
                            .onComplete(
                                    r ->
                                            log.accept(
                                                    "SIGHUP: "
                                                            + (r.succeeded()
                                                                    ? r.result()
                                                                    : "reload failed: "
                                                                            + r.cause()
                                                                                    .getMessage())));
                });
        return endpoint.start(vertx, agent, clock)
                .compose(
                        v -> {
                            processMetrics = new ProcessMetrics("ntsfarm agent", metricsOptions);
                            AgentMetrics.register(processMetrics, new ClockAgentAdapter(agent));
                            metrics = new MetricsServer(vertx, metricsOptions, processMetrics);
                            return metrics.start();
                        })
                .map(
                        port -> {
                            log.accept(
                                    port > 0
                                            ? "metrics and status page on port "
                                                    + port
                                                    + " ("
                                                    + String.join(", ", metrics.addresses())
                                                    + ")"
                                            : "metrics not served: " + metrics.notServing());
                            SdNotify.fromEnvironment()
                                    .ready(
                                            "control on port "
                                                    + endpoint.port()
                                                    + (port > 0
                                                            ? ", metrics on port " + port
                                                            : ""));
                            return null;
                        });
    }

    @Override
    public Future<Void> stop() {
        SdNotify.fromEnvironment().stopping();
        MetricsServer m = metrics;
        return (m == null ? Future.<Void>succeededFuture() : m.stop())
                .eventually(endpoint::stop)
                .eventually(
                        () -> {
                            PidFile p = pid;
                            if (p != null) {
                                p.close();
                            }
                            return Future.succeededFuture();
                        });
    }

    /** The metrics port; -1 before start or when not served. */
    int metricsPort() {
        MetricsServer m = metrics;
        return m == null ? -1 : m.port();
    }

    /** Takes a sample of the status page's history now. */
    void sampleHistoryNow() {
        ProcessMetrics p = processMetrics;
        if (p != null) {
            p.history().sample(System.currentTimeMillis());
        }
    }
}
