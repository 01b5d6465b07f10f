package dev.ntsfarm.app.control;

import dev.ntsfarm.agent.Agent;
import dev.ntsfarm.agent.AgentDaemon;
import dev.ntsfarm.control.CommandKeys;
import dev.ntsfarm.control.ControlEndpoint;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigError;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The clock agent daemon's control endpoint: the control plane's agent endpoint over this agent, on
 * the agent's {@code cmdport} (323 by default) and {@code bindcmdaddress}, guarded by its {@code
 * cmdallow}/{@code cmddeny} and command key.
 */
public final class AgentEndpoint implements AgentDaemon.Attachment {

    private final ControlOptions options;
    private final Consumer<String> log;
    private volatile ControlEndpoint endpoint;

    public AgentEndpoint(ControlOptions options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    /** What {@code ntsfarm agent} attaches: the endpoint its configuration describes. */
    public static AgentDaemon.Attachments attachments() {
        return (config, log) -> from(config, log);
    }

    /**
     * The endpoint {@code config} describes. The command key is made in the key file now when it is
     * missing, before the agent reads that file for its NTP keys; with no {@code keyfile}, in
     * {@code ntsfarm.keys} of the state directory ({@link ControlOptions#defaultKeyFile}).
     */
    public static AgentEndpoint from(Config config, Consumer<String> log) throws ConfigException {
        ControlOptions options =
                ControlOptions.fromConfig(config, ControlOptions.DEFAULT_AGENT_PORT);
        if (options.keyFile().isPresent()) {
            Path file = options.keyFile().get();
            try {
                CommandKeys.ensure(file, options.commandKey(), new SecureRandom());
            } catch (IOException e) {
                Optional<Directive> d = config.last("keyfile");
                if (d.isPresent()) {
                    throw d.get()
                            .fail(
                                    "cannot write the command key to "
                                            + file
                                            + " ("
                                            + e.getMessage()
                                            + ")");
                }
                String source =
                        config.directives().isEmpty()
                                ? "configuration"
                                : config.directives().getLast().file();
                throw new ConfigException(
                        new ConfigError(
                                source,
                                0,
                                "cannot write the command key to "
                                        + file
                                        + " ("
                                        + e.getMessage()
                                        + "); with no keyfile it is kept in the state directory: name a writable one"
                                        + " with ntsdumpdir DIR, or the file with keyfile FILE"));
            }
        }
        return new AgentEndpoint(options, log);
    }

    @Override
    public Future<Void> start(Vertx vertx, Agent agent, ClockControl clock) {
        ClockAgentAdapter adapter = new ClockAgentAdapter(agent);
        endpoint = ControlEndpoint.agent(vertx, options, adapter, adapter, log);
        return endpoint.start();
    }

    @Override
    public Future<Void> stop() {
        ControlEndpoint e = endpoint;
        return e == null ? Future.succeededFuture() : e.stop();
    }

    /** The TCP port listened on; -1 before start. */
    public int port() {
        ControlEndpoint e = endpoint;
        return e == null ? -1 : e.actualPort();
    }

    /** What listens. */
    public List<String> listening() {
        ControlEndpoint e = endpoint;
        return e == null ? List.of() : e.listening();
    }
}
