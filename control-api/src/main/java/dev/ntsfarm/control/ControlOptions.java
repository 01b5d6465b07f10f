package dev.ntsfarm.control;

import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a control endpoint listens and whom it serves (DESIGN 4 and 6), read from chrony's
 * directives: {@code cmdport}, {@code bindcmdaddress} (IP literals and a Unix socket path), {@code
 * cmdallow}/{@code cmddeny}, {@code keyfile} and {@code commandkey}.
 *
 * @param port the TCP port; 0 picks a free one (read it back from {@link
 *     ControlEndpoint#actualPort()})
 * @param addresses the IP addresses listened on, all on one port; loopback by default
 * @param socket a Unix domain socket to listen on as well, when configured
 * @param access {@code cmdallow}/{@code cmddeny} in configuration order; loopback is always allowed
 *     first, as chronyd allows 127.0.0.1 and ::1
 * @param keyFile the chrony key file holding the command key; from a configuration always present
 *     ({@code keyfile}, else {@link #defaultKeyFile})
 * @param commandKey the command key's id ({@code commandkey}, default 1)
 */
public record ControlOptions(
        int port,
        List<String> addresses,
        Optional<Path> socket,
        List<AccessRule> access,
        Optional<Path> keyFile,
        long commandKey) {

    /** The farm control port: chrony's 323 with 9000 added, so both fit on one host. */
    public static final int DEFAULT_FARM_PORT = 9323;

    /** The clock agent's control port: chrony's command port. */
    public static final int DEFAULT_AGENT_PORT = 323;

    /**
     * Loopback only, as chronyd binds its command port unless {@code bindcmdaddress} says
     * otherwise.
     */
    public static final List<String> DEFAULT_ADDRESSES = List.of("127.0.0.1", "::1");

    /** chronyc's habit: the command key is key 1 unless {@code commandkey} names another. */
    public static final long DEFAULT_COMMAND_KEY = 1;

    /**
     * The state directory when {@code ntsdumpdir} names none: {@code var/} in the working
     * directory.
     */
    public static final String DEFAULT_STATE_DIR = "var";

    /**
     * The state directory of a service run from the root directory (systemd's, init's): as
     * installed.
     */
    public static final Path INSTALLED_STATE_DIR = Path.of("/var/lib/ntsfarm");

    /** The key file made in the state directory when no {@code keyfile} is configured. */
    public static final String DEFAULT_KEY_FILE_NAME = "ntsfarm.keys";

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    public ControlOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range (expected: 0..65535): " + port);
        }
        addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
        Objects.requireNonNull(socket, "socket");
        access = List.copyOf(access);
        Objects.requireNonNull(keyFile, "keyFile");
        if (addresses.isEmpty() && socket.isEmpty()) {
            throw new IllegalArgumentException("no address to listen on (expected: at least one)");
        }
    }

    /** {@code port} on 127.0.0.1 and ::1, nothing else configured. */
    public static ControlOptions loopback(int port) {
        return new ControlOptions(
                port,
                DEFAULT_ADDRESSES,
                Optional.empty(),
                List.of(),
                Optional.empty(),
                DEFAULT_COMMAND_KEY);
    }

    /** The same, on another port. */
    public ControlOptions withPort(int newPort) {
        return new ControlOptions(newPort, addresses, socket, access, keyFile, commandKey);
    }

    /** The same, with the command key in {@code file} (as {@code keyfile} would say). */
    public ControlOptions withKeyFile(Path file) {
        return new ControlOptions(port, addresses, socket, access, Optional.of(file), commandKey);
    }

    /**
     * Reads {@code cmdport PORT} (the last one counts; 0 binds an ephemeral port, where chronyd
     * would disable its command port), {@code bindcmdaddress ADDRESS|PATH} (one IPv4 and one IPv6
     * address at most, as in chronyd, each replacing the loopback default of its family, and one
     * Unix socket path), {@code cmdallow}/{@code cmddeny} ({@code [all] [SUBNET]}), {@code keyfile}
     * and {@code commandkey}.
     */
    public static ControlOptions fromConfig(Config config, int defaultPort) throws ConfigException {
        int port = defaultPort;
        Optional<Directive> cmdport = config.last("cmdport");
        if (cmdport.isPresent()) {
            cmdport.get().expectArgs(1, 1);
            port = cmdport.get().integer(0, "a port number", 0, 65535);
        }
        String v4 = DEFAULT_ADDRESSES.get(0);
        String v6 = DEFAULT_ADDRESSES.get(1);
        Path socket = null;
        for (Directive d : config.directives("bindcmdaddress")) {
            d.expectArgs(1, 1);
            String address = d.word(0, "an IP address or a Unix socket path");
            if (address.startsWith("/")) {
                Path p = Path.of(address);
                if (p.getFileName() == null || p.getParent() == null) {
                    throw d.fail(
                            "expected a Unix socket path such as /run/ntsfarm/ntsfarm.sock, got \""
                                    + address
                                    + "\"");
                }
                socket = p;
            } else if (IPV4.matcher(address).matches() && isAddress(address)) {
                v4 = address;
            } else if (address.indexOf(':') >= 0 && isAddress(address)) {
                v6 = address;
            } else {
                throw d.fail(
                        "expected an IP address (host names are not resolved) or a Unix socket path, got \""
                                + address
                                + "\"");
            }
        }
        List<AccessRule> access = new ArrayList<>();
        for (Directive d : config.directives()) {
            if (d.name().equals("cmdallow") || d.name().equals("cmddeny")) {
                access.add(AccessRule.from(d));
            }
        }
        Optional<Path> keyFile = Optional.of(defaultKeyFile(config, Path.of("")));
        Optional<Directive> kf = config.last("keyfile");
        if (kf.isPresent()) {
            kf.get().expectArgs(1, 1);
            keyFile = Optional.of(Path.of(kf.get().word(0, "a key file")));
        }
        long commandKey = DEFAULT_COMMAND_KEY;
        Optional<Directive> ck = config.last("commandkey");
        if (ck.isPresent()) {
            ck.get().expectArgs(1, 1);
            commandKey = ck.get().unsigned32(0, "a key number");
        }
        return new ControlOptions(
                port, List.of(v4, v6), Optional.ofNullable(socket), access, keyFile, commandKey);
    }

    /**
     * Where the command key lives when no {@code keyfile} is configured: {@value
     * #DEFAULT_KEY_FILE_NAME} in the {@linkplain #stateDirectory state directory}. The endpoint
     * makes the file (0600) with a random command key at its first start, and {@code ntsctl -a}
     * finds it there.
     *
     * @param workingDir the directory the service runs in; the empty path is the current one
     */
    public static Path defaultKeyFile(Config config, Path workingDir) throws ConfigException {
        return stateDirectory(config, workingDir).resolve(DEFAULT_KEY_FILE_NAME);
    }

    /**
     * Where a service keeps what it makes on first start ({@code up}: its certificate, farm secret,
     * key file and seeds; any control endpoint: its command key): {@code ntsdumpdir} when
     * configured (a relative one in {@code workingDir}), else {@value #DEFAULT_STATE_DIR}/ in
     * {@code workingDir}, or {@code /var/lib/ntsfarm} when the working directory is the root
     * directory (a service started by systemd or init, where {@code /var} itself is not ours).
     *
     * @param workingDir the directory the service runs in; the empty path is the current one
     */
    public static Path stateDirectory(Config config, Path workingDir) throws ConfigException {
        Optional<Directive> dump = config.last("ntsdumpdir");
        if (dump.isPresent()) {
            dump.get().expectArgs(1, 1);
            return workingDir.resolve(dump.get().word(0, "a directory"));
        }
        boolean root = workingDir.toAbsolutePath().normalize().getParent() == null;
        return root ? INSTALLED_STATE_DIR : workingDir.resolve(DEFAULT_STATE_DIR);
    }

    private static boolean isAddress(String literal) {
        try {
            // a literal only: no name lookup happens for a string of digits, dots and colons
            InetAddress.ofLiteral(literal);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
