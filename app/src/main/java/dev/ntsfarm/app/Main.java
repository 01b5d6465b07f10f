package dev.ntsfarm.app;

import java.io.PrintStream;

/** The one runnable jar: every ntsfarm service is a subcommand. */
public final class Main {

    /** Exit status for a command line that could not be understood, as the launcher uses. */
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return EXIT_USAGE;
        }
        String command = args[0];
        return switch (command) {
            case "version" -> {
                out.println("ntsfarm " + version() + " on Java " + Runtime.version());
                yield 0;
            }
            case "help", "-h", "--help" -> {
                usage(out);
                yield 0;
            }
            default -> {
                err.println("ntsfarm: unknown command '" + command + "'");
                usage(err);
                yield EXIT_USAGE;
            }
        };
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "development";
    }

    private static void usage(PrintStream to) {
        to.println("usage: ntsfarm COMMAND [ARGS...]");
        to.println();
        to.println("Commands:");
        to.println("  version    print the version of ntsfarm and of the JDK it runs on");
        to.println("  help       this text");
    }
}
