package dev.ntsfarm.testsupport.farm;

import dev.ntsfarm.testsupport.Ports;
import dev.ntsfarm.testsupport.TestCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The distributed farm as processes on this host (DESIGN 7): NTS-KE members (Hazelcast members,
 * each in its JVM), NTP responders (Hazelcast clients, each in its JVM) and nginx in front, the KE
 * members advertising the balancer through {@code ntsntpserver}/{@code ntsntpport}. One
 * certificate, one farm secret file and one pid-unique cluster name for all of them; every port
 * ephemeral. Processes are declared in order (each KE member joins those declared before it) and
 * started by the caller; {@link #close()} stops all of them.
 *
 * <p>By default everything is on 127.0.0.1. On a {@link NetNamespaces} network, members and
 * responders go on hosts of their own and the balancer ({@link #onAddresses}) listens on {@code
 * balancerAddress} inside the namespace given to {@link #balancer}.
 */
public final class ProcessFarm implements AutoCloseable {

    private static final AtomicInteger FARMS = new AtomicInteger();

    private final Path dir;
    private final TestCertificate certificate;
    private final Path secret;
    private final String clusterName;
    private final String balancerAddress;
    private final int balancerKePort;
    private final int balancerNtpPort;
    private final List<String> common = new ArrayList<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, Responder> responders = new LinkedHashMap<>();
    private final List<FarmProcess> others = new ArrayList<>();
    private Nginx nginx;

    /** A KE member as declared. */
    public record Member(FarmProcess process, String address, int kePort, int clusterPort) {}

    /** A responder as declared. */
    public record Responder(FarmProcess process, String address, int port) {}

    private ProcessFarm(Path dir, String balancerAddress, List<String> common)
            throws IOException, GeneralSecurityException {
        this.dir = Files.createDirectories(dir);
        // valid well past now: a member may run with its clock weeks ahead
        this.certificate =
                TestCertificate.create(
                        dir,
                        "farm",
                        Instant.now().minus(Duration.ofDays(1)),
                        Instant.now().plus(Duration.ofDays(400)));
        this.secret = writeSecret(dir.resolve("farm.secret"));
        this.clusterName = "farm-" + ProcessHandle.current().pid() + "-" + FARMS.incrementAndGet();
        this.balancerAddress = balancerAddress;
        this.balancerKePort = Ports.freeTcp();
        this.balancerNtpPort = Ports.freeUdp();
        this.common.addAll(common);
    }

    /**
     * A farm on loopback in {@code dir}; {@code common} directives go to every member and
     * responder.
     */
    public static ProcessFarm on(Path dir, String... common)
            throws IOException, GeneralSecurityException {
        Nginx.require();
        return new ProcessFarm(dir, "127.0.0.1", List.of(common));
    }

    /** A farm whose balancer listens on {@code balancerAddress} (a namespace's address). */
    public static ProcessFarm onAddresses(Path dir, String balancerAddress, String... common)
            throws IOException, GeneralSecurityException {
        Nginx.require();
        return new ProcessFarm(dir, balancerAddress, List.of(common));
    }

    /** 32 random bytes, mode 0600: the farm secret file every process reads. */
    public static Path writeSecret(Path file) throws IOException {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** A KE member on 127.0.0.1 joining every member declared before it. */
    public Member keMember(String name, String... extra) throws IOException {
        return keMember(name, null, "127.0.0.1", Map.of(), extra);
    }

    /** The same with {@code environment} added (a wall clock ahead: {@link Faketime#ahead}). */
    public Member keMember(String name, Map<String, String> environment, String... extra)
            throws IOException {
        return keMember(name, null, "127.0.0.1", environment, extra);
    }

    /** A KE member on {@code host} of a {@link NetNamespaces} network, on its address. */
    public Member keMember(String name, NetNamespaces.Host host, String... extra)
            throws IOException {
        return keMember(name, host.namespace(), host.address(), Map.of(), extra);
    }

    private Member keMember(
            String name,
            String namespace,
            String address,
            Map<String, String> environment,
            String... extra)
            throws IOException {
        int kePort = Ports.freeTcp();
        int clusterPort = Ports.freeTcp();
        List<String> d =
                new ArrayList<>(
                        List.of(
                                "ntsport " + kePort,
                                "ntsserverkey " + certificate.key(),
                                "ntsservercert " + certificate.cert(),
                                "farmsecret " + secret,
                                "cluster name " + clusterName,
                                "cluster bind " + address + ":" + clusterPort,
                                "ntsdumpdir " + dir.resolve(name + "-var"),
                                "bindaddress " + address,
                                "ntsntpserver " + balancerAddress,
                                "ntsntpport " + balancerNtpPort));
        for (Member m : members.values()) {
            d.add("cluster member " + m.address() + ":" + m.clusterPort());
        }
        d.addAll(common);
        d.addAll(List.of(extra));
        Member m =
                new Member(
                        new FarmProcess(name, dir, namespace, environment, "nts-ke", d),
                        address,
                        kePort,
                        clusterPort);
        members.put(name, m);
        return m;
    }

    /**
     * Makes every member declared so far list every other one as a {@code cluster member}, not only
     * those declared before it, as a real farm's configurations do. Hazelcast merges the sides of a
     * split only where one side can find the other, so a partition test needs it. Call it before
     * the members first start.
     */
    public void joinEachOther() {
        List<Member> all = List.copyOf(members.values());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                all.get(i)
                        .process()
                        .addDirective(
                                "cluster member "
                                        + all.get(j).address()
                                        + ":"
                                        + all.get(j).clusterPort());
            }
        }
    }

    /** A responder on 127.0.0.1, a client of every member declared so far. */
    public Responder ntpResponder(String name, String... extra) throws IOException {
        return ntpResponder(name, null, "127.0.0.1", extra);
    }

    /** A responder on {@code host} of a {@link NetNamespaces} network, on its address. */
    public Responder ntpResponder(String name, NetNamespaces.Host host, String... extra)
            throws IOException {
        return ntpResponder(name, host.namespace(), host.address(), extra);
    }

    private Responder ntpResponder(String name, String namespace, String address, String... extra)
            throws IOException {
        int port = Ports.freeUdp();
        List<String> d =
                new ArrayList<>(
                        List.of(
                                "port " + port,
                                "bindaddress " + address,
                                "allow all",
                                "local stratum 1",
                                "clockagent none",
                                "farmsecret " + secret,
                                "cluster name " + clusterName));
        for (Member m : members.values()) {
            d.add("cluster member " + m.address() + ":" + m.clusterPort());
        }
        d.addAll(common);
        d.addAll(List.of(extra));
        Responder r =
                new Responder(
                        new FarmProcess(name, dir, namespace, Map.of(), "ntp", d), address, port);
        responders.put(name, r);
        return r;
    }

    /**
     * Any other ntsfarm command on this farm's files (a member of a wrong secret, say); not
     * started.
     */
    public FarmProcess process(String name, String subcommand, String... directives) {
        FarmProcess p = new FarmProcess(name, dir, null, Map.of(), subcommand, List.of(directives));
        others.add(p);
        return p;
    }

    /**
     * nginx in front of every member and responder declared so far, in {@code namespace} (null:
     * here).
     */
    public Nginx balancer(String namespace) throws IOException {
        nginx =
                Nginx.of(
                        dir.resolve("nginx"),
                        namespace,
                        balancerAddress,
                        balancerKePort,
                        members.values().stream().map(m -> m.address() + ":" + m.kePort()).toList(),
                        balancerNtpPort,
                        responders.values().stream()
                                .map(r -> r.address() + ":" + r.port())
                                .toList());
        return nginx;
    }

    /**
     * Starts every declared member and responder not running (members first, all at once), then
     * waits for them.
     */
    public void startAll() throws Exception {
        for (Member m : members.values()) {
            if (!m.process().isAlive()) {
                m.process().start();
            }
        }
        for (Member m : members.values()) {
            m.process().awaitRunning();
        }
        for (Responder r : responders.values()) {
            if (!r.process().isAlive()) {
                r.process().start();
            }
        }
        for (Responder r : responders.values()) {
            r.process().awaitRunning();
        }
    }

    /** Stops ({@code SIGTERM}) every member and responder: responders first, then members. */
    public void stopAll() throws InterruptedException {
        for (Responder r : responders.values()) {
            r.process().stop();
        }
        for (Member m : members.values()) {
            m.process().stop();
        }
    }

    /**
     * Stops {@code name} and leaves it out of the farm from now on (a member that was only
     * visiting).
     */
    public void retire(String name) throws InterruptedException {
        Member m = members.remove(name);
        if (m != null) {
            m.process().stop();
        }
        Responder r = responders.remove(name);
        if (r != null) {
            r.process().stop();
        }
    }

    public Member member(String name) {
        return members.get(name);
    }

    public Responder responder(String name) {
        return responders.get(name);
    }

    public List<Member> members() {
        return List.copyOf(members.values());
    }

    public List<Responder> responders() {
        return List.copyOf(responders.values());
    }

    public TestCertificate certificate() {
        return certificate;
    }

    public Path secret() {
        return secret;
    }

    public String clusterName() {
        return clusterName;
    }

    public Path dir() {
        return dir;
    }

    public String balancerAddress() {
        return balancerAddress;
    }

    /** The balancer's NTS-KE (TCP) port. */
    public int balancerKePort() {
        return balancerKePort;
    }

    /** The balancer's NTP (UDP) port. */
    public int balancerNtpPort() {
        return balancerNtpPort;
    }

    /** Every member's cluster address, {@code HOST:PORT}. */
    public List<String> clusterAddresses() {
        return members.values().stream().map(m -> m.address() + ":" + m.clusterPort()).toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (nginx != null) {
            nginx.close();
        }
        for (FarmProcess p : others) {
            p.stop();
        }
        stopAll();
    }
}
