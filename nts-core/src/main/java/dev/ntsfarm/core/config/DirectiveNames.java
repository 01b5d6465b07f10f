package dev.ntsfarm.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The directive names ntsfarm understands: chrony's names for what chrony also does, and new names
 * in chrony's style for what only a farm needs. A name outside this set is an error, as in chronyd.
 */
public final class DirectiveNames {

    /** chrony's directives, spelled as chrony spells them. */
    public static final Set<String> CHRONY =
            Set.of(
                    "server",
                    "pool",
                    "peer",
                    "port",
                    "ntsport",
                    "ntsserverkey",
                    "ntsservercert",
                    "ntsaeads",
                    "ntsntpserver",
                    "ntsrotate",
                    "ntsdumpdir",
                    "ntstrustedcerts",
                    "nosystemcert",
                    "nocerttimecheck",
                    "ntsrefresh",
                    "keyfile",
                    "commandkey",
                    "cmdport",
                    "bindcmdaddress",
                    "cmdallow",
                    "cmddeny",
                    "allow",
                    "deny",
                    "ratelimit",
                    "ntsratelimit",
                    "maxntsconnections",
                    "local",
                    "makestep",
                    "driftfile",
                    "bindaddress",
                    "pidfile",
                    "logdir",
                    "clientloglimit",
                    "maxchange",
                    "maxdistance",
                    "maxjitter",
                    "minsources",
                    "maxupdateskew");

    /**
     * chrony's directives that ntsfarm refuses, with the reason and what to do instead: a line that
     * would be read and then ignored is an error, never silence.
     */
    public static final Map<String, String> REFUSED =
            Map.of(
                    "log",
                            "not supported (expected: the figures chronyd logs, tracking and statistics, are the"
                                    + " metrics at /metrics on metricsport; messages go to logdir)",
                    "sourcedir",
                            "not supported (expected: the sources as server, pool or peer lines in the configuration,"
                                    + " added at run time with 'ntsfarm ctl add server ...')");

    /**
     * Directives of the farm alone: {@code cluster}, {@code farmsecret}, {@code ntsntpport}, and
     * {@code clockagent HOST:PORT} (the host's clock agent, whose sync state a responder serves;
     * default {@code 127.0.0.1:323}, {@code none} to never ask), {@code metricsport N} and {@code
     * bindmetricsaddress ADDRESS} (where metrics and the status page are served), and {@code
     * logformat text|json} (the log's lines).
     */
    public static final Set<String> FARM =
            Set.of(
                    "cluster",
                    "farmsecret",
                    "ntsntpport",
                    "clockagent",
                    "metricsport",
                    "bindmetricsaddress",
                    "logformat");

    private static final Set<String> ALL;

    static {
        var all = new java.util.HashSet<>(CHRONY);
        all.addAll(FARM);
        ALL = Set.copyOf(all);
    }

    private DirectiveNames() {}

    /** Every known name. */
    public static Set<String> all() {
        return ALL;
    }

    /** Why {@code name} is refused, or null when it is not. */
    public static String refused(String name) {
        return REFUSED.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code name} is known; like chronyd, case does not matter. */
    public static boolean isKnown(String name) {
        return ALL.contains(name.toLowerCase(Locale.ROOT));
    }
}
