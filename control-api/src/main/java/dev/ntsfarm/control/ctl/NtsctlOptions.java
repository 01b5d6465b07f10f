package dev.ntsfarm.control.ctl;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * ntsctl's command line, chronyc's options: {@code -h HOST} (a name, an IPv4 or IPv6 address, with
 * or without brackets, or a Unix socket path), {@code -p PORT}, {@code -a} (authenticate with the
 * command key of the configuration), {@code -f CONF}, {@code -c} (CSV), {@code -n} (no name
 * lookups: ntsctl never makes any), {@code -N} (configured names), {@code -m} (each argument a
 * command), {@code -4}/{@code -6}/{@code -d} (accepted, as chronyc), then the command words.
 */
record NtsctlOptions(
        String host,
        OptionalInt port,
        boolean authenticate,
        Optional<String> configFile,
        boolean csv,
        boolean names,
        boolean multiple,
        List<String> words) {

    static final String USAGE =
            "Usage: ntsctl [-h HOST] [-p PORT] [-a] [-f CONF] [-c] [-n] [-N] [-m] [-4|-6] [COMMAND]";

    /** What the command line asked for. */
    sealed interface Parsed {
        record Run(NtsctlOptions options) implements Parsed {}

        record Help() implements Parsed {}

        record Version() implements Parsed {}

        /** A mistake; the message says what was expected. */
        record Mistake(String message) implements Parsed {}
    }

    static Parsed parse(String[] args) {
        String host = null;
        OptionalInt port = OptionalInt.empty();
        boolean auth = false;
        String conf = null;
        boolean csv = false;
        boolean names = false;
        boolean multiple = false;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-")) {
                break;
            }
            switch (a) {
                case "-h", "-p", "-f" -> {
                    if (i + 1 >= args.length) {
                        return new Parsed.Mistake("option " + a + " needs an argument");
                    }
                    String value = args[++i];
                    switch (a) {
                        case "-h" -> {
                            if (value.isBlank()) {
                                return new Parsed.Mistake(
                                        "-h needs a host name, an address or a socket path");
                            }
                            host = value;
                        }
                        case "-p" -> {
                            int p = parsePort(value);
                            if (p < 0) {
                                return new Parsed.Mistake(
                                        "invalid port " + value + " (expected: 1 to 65535)");
                            }
                            port = OptionalInt.of(p);
                        }
                        default -> conf = value;
                    }
                }
                case "-a" -> auth = true;
                case "-c" -> csv = true;
                case "-N" -> names = true;
                case "-m" -> multiple = true;
                case "-n", "-d", "-4", "-6" -> {}
                case "-v", "--version" -> {
                    return new Parsed.Version();
                }
                case "--help" -> {
                    return new Parsed.Help();
                }
                default -> {
                    return new Parsed.Mistake("unknown option " + a);
                }
            }
        }
        return new Parsed.Run(
                new NtsctlOptions(
                        host,
                        port,
                        auth,
                        Optional.ofNullable(conf),
                        csv,
                        names,
                        multiple,
                        List.of(args).subList(i, args.length)));
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
