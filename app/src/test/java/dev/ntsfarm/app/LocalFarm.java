package dev.ntsfarm.app;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.farm.keys.FarmKeyOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The one way the app's tests start an all-in-one farm in their own JVM, as {@code ./ntsfarm up}
 * does: ephemeral ports, loopback clients allowed, a cluster name of the test's own and the farm's
 * state under the test's directory ({@code DIR/var}).
 */
final class LocalFarm {

    private LocalFarm() {}

    /** The configuration: the defaults above, then {@code directives}. */
    static Config config(Path dir, String name, String... directives) {
        List<String> lines =
                new ArrayList<>(List.of("port 0", "ntsport 0", "cmdport 0", "allow 127.0.0.1"));
        lines.addAll(List.of(directives));
        lines.add("cluster name " + name + "-" + ProcessHandle.current().pid());
        lines.add("ntsdumpdir " + dir.resolve("var"));
        return ((ConfigResult.Parsed) Config.fromArgs(lines)).config();
    }

    /** Starts the farm of {@link #config}. */
    static Farm start(Path dir, String name, String... directives) throws Exception {
        return start(dir, UnaryOperator.identity(), config(dir, name, directives));
    }

    /** Starts a farm of {@code config} with its key options tuned by {@code keys}. */
    static Farm start(Path dir, UnaryOperator<FarmKeyOptions> keys, Config config)
            throws Exception {
        FarmState state = FarmState.prepare(config, dir, new SecureRandom());
        return Farm.start(Farm.Role.ALL_IN_ONE, state.config(), keys);
    }

    /** The farm's certificate, which clients trust. */
    static Path certificate(Path dir) {
        return dir.resolve("var").resolve(FarmState.CERT_FILE);
    }
}
