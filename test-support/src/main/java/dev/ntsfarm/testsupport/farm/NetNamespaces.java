package dev.ntsfarm.testsupport.farm;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ntsfarm.testsupport.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts of a private network, each a network namespace of this machine (DESIGN 7): a hub namespace
 * holding a bridge on {@value #SUBNET}.0/24 ({@code .1}), and one namespace per host, joined to the
 * bridge by a veth pair, with the next address. Every interface lives inside these namespaces, so
 * the machine's own network is never touched and no traffic leaves them.
 *
 * <p>{@link #cut} parts two hosts (each drops what it would send to the other: a blackhole route),
 * leaving both reachable from the hub and from every other host; {@link #heal} joins them again.
 *
 * <p>Names carry {@code farm} and this JVM's pid; {@link #close()} deletes every namespace (and
 * with them their interfaces), and so does a hook at JVM exit when a test never got to it. A JVM
 * killed outright leaves its namespaces behind: the next {@link #create} removes those of dead
 * pids.
 */
public final class NetNamespaces implements AutoCloseable {

    /**
     * The first three octets of every address here: a private /24 nothing else on this machine
     * uses.
     */
    public static final String SUBNET = "10.231.0";

    static final Path IP = Path.of("/usr/sbin/ip");
    private static final Path RUN = Path.of("/run/netns");
    private static final String PREFIX = "farm-";
    private static final AtomicInteger NETWORKS = new AtomicInteger();

    /** One host: the namespace to run its processes in and its address on the network. */
    public record Host(String name, String namespace, String address) {}

    private final Host hub;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String> cuts = new ArrayList<>();
    private final Thread atExit;
    private boolean closed;

    private NetNamespaces(String tag) {
        this.hub = new Host("hub", tag + "-hub", SUBNET + ".1");
        this.atExit = new Thread(this::deleteQuietly, "netns-cleanup");
    }

    /**
     * Fails the test under CI when namespaces cannot be made here (no iproute2, not root, or the
     * kernel refuses), skips it otherwise. {@link #create} checks the same.
     */
    public static void require() {
        Requirements.program(IP, "iproute2");
        if (!"root".equals(System.getProperty("user.name"))) {
            String why = "network namespaces need root";
            if (Requirements.underCi()) {
                fail(why + " and CI is set");
            }
            Assumptions.abort(why);
        }
    }

    /** Makes the hub and one host per name ({@code .2}, {@code .3}, ... in order). */
    public static NetNamespaces create(String... hostNames)
            throws IOException, InterruptedException {
        require();
        removeLeftovers();
        String tag = PREFIX + ProcessHandle.current().pid() + "-" + NETWORKS.incrementAndGet();
        NetNamespaces n = new NetNamespaces(tag);
        Runtime.getRuntime().addShutdownHook(n.atExit);
        try {
            try {
                n.ip("netns", "add", n.hub.namespace());
            } catch (IOException cannot) {
                // root without CAP_SYS_ADMIN (a container): the same rule as a missing program
                String why = "cannot make a network namespace here: " + cannot.getMessage();
                if (Requirements.underCi()) {
                    fail(why + " (CI is set)");
                }
                Assumptions.abort(why);
            }
            n.ip("-n", n.hub.namespace(), "link", "set", "lo", "up");
            n.ip("-n", n.hub.namespace(), "link", "add", "br0", "type", "bridge");
            n.ip("-n", n.hub.namespace(), "addr", "add", n.hub.address() + "/24", "dev", "br0");
            n.ip("-n", n.hub.namespace(), "link", "set", "br0", "up");
            int octet = 2;
            for (String name : hostNames) {
                Host h = new Host(name, tag + "-" + name, SUBNET + "." + octet++);
                n.ip("netns", "add", h.namespace());
                n.hosts.put(name, h);
                String port = "v" + (octet - 1);
                // both ends made in place: no interface ever appears in this machine's own
                // namespace
                n.ip(
                        "-n",
                        n.hub.namespace(),
                        "link",
                        "add",
                        port,
                        "type",
                        "veth",
                        "peer",
                        "name",
                        "eth0",
                        "netns",
                        h.namespace());
                n.ip("-n", n.hub.namespace(), "link", "set", port, "master", "br0", "up");
                n.ip("-n", h.namespace(), "link", "set", "lo", "up");
                n.ip("-n", h.namespace(), "addr", "add", h.address() + "/24", "dev", "eth0");
                n.ip("-n", h.namespace(), "link", "set", "eth0", "up");
            }
        } catch (IOException | RuntimeException | Error e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** The hub: where a balancer and the clients that reach every host run. */
    public Host hub() {
        return hub;
    }

    public Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException(
                    "no host " + name + " (hosts: " + hosts.keySet() + ")");
        }
        return h;
    }

    /** Parts hosts {@code a} and {@code b}: from now on neither's packets reach the other. */
    public void cut(String a, String b) throws IOException, InterruptedException {
        blackholes("add", a, b);
        cuts.add(a + "|" + b);
    }

    /** Joins hosts {@code a} and {@code b} again after a {@link #cut}. */
    public void heal(String a, String b) throws IOException, InterruptedException {
        blackholes("del", a, b);
        cuts.remove(a + "|" + b);
    }

    /** Adds or deletes, in each of the two hosts, a blackhole route to the other's address. */
    private void blackholes(String addOrDel, String a, String b)
            throws IOException, InterruptedException {
        Host ha = host(a);
        Host hb = host(b);
        ip("-n", ha.namespace(), "route", addOrDel, "blackhole", hb.address() + "/32");
        ip("-n", hb.namespace(), "route", addOrDel, "blackhole", ha.address() + "/32");
    }

    /**
     * Whether a TCP connection from host {@code from} ({@code hub} for the hub) to {@code
     * address:port} opens within two seconds.
     */
    public boolean connects(String from, String address, int port)
            throws IOException, InterruptedException {
        Host f = from.equals(hub.name()) ? hub : host(from);
        return run(
                        List.of(
                                IP.toString(),
                                "netns",
                                "exec",
                                f.namespace(),
                                "timeout",
                                "2",
                                "bash",
                                "-c",
                                "exec 3<>/dev/tcp/" + address + "/" + port),
                        false)
                == 0;
    }

    /** Runs {@code ip ARGS...}; fails with its output when it fails. */
    private void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(IP.toString()));
        cmd.addAll(List.of(args));
        run(cmd, true);
    }

    private static int run(List<String> cmd, boolean mustSucceed)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish");
        }
        if (mustSucceed && p.exitValue() != 0) {
            throw new IOException(
                    String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return p.exitValue();
    }

    /** Deletes the namespaces of JVMs that died before they could. */
    private static void removeLeftovers() throws IOException, InterruptedException {
        if (!Files.isDirectory(RUN)) {
            return;
        }
        List<String> dead = new ArrayList<>();
        try (Stream<Path> names = Files.list(RUN)) {
            for (Path p : names.toList()) {
                String n = p.getFileName().toString();
                String[] parts = n.split("-");
                if (n.startsWith(PREFIX)
                        && parts.length >= 3
                        && parts[1].chars().allMatch(Character::isDigit)
                        && ProcessHandle.of(Long.parseLong(parts[1])).isEmpty()) {
                    dead.add(n);
                }
            }
        }
        for (String n : dead) {
            run(List.of(IP.toString(), "netns", "del", n), false);
        }
    }

    private void deleteQuietly() {
        List<String> all = new ArrayList<>(hosts.values().stream().map(Host::namespace).toList());
        all.add(hub.namespace());
        for (String ns : all) {
            try {
                if (Files.exists(RUN.resolve(ns))) {
                    run(List.of(IP.toString(), "netns", "del", ns), false);
                }
            } catch (IOException e) {
                // at exit, nothing left to tell
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Deletes every namespace (stop the processes inside them first: they would keep a namespace
     * alive).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        deleteQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(atExit);
        } catch (IllegalStateException exiting) {
            // the hook runs (or ran) anyway
        }
    }

    @Override
    public String toString() {
        return "NetNamespaces[hub "
                + hub.address()
                + ", "
                + hosts.values()
                + (cuts.isEmpty() ? "" : ", cut " + cuts)
                + "]";
    }
}
