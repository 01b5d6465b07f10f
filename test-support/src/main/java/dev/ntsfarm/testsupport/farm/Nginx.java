package dev.ntsfarm.testsupport.farm;

import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Requirements;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx with its stream module as the farm's load balancer (DESIGN 7): NTS-KE over TCP and NTP over
 * UDP, each to a list of upstreams, round robin. A server that refuses (a TCP connect, or an ICMP
 * port unreachable for UDP) is left out for {@link #FAIL_TIMEOUT_SECONDS}; for TCP the connection
 * goes on to the next server. Runs in the foreground in its own directory and namespace (if any).
 */
public final class Nginx implements AutoCloseable {

    public static final Path NGINX = Path.of("/usr/sbin/nginx");
    public static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

    /** How long nginx leaves out an upstream that refused. */
    public static final int FAIL_TIMEOUT_SECONDS = 30;

    private final Path dir;
    private final String namespace;
    private final String address;
    private final int tcpPort;
    private final int udpPort;
    private Process process;

    private Nginx(Path dir, String namespace, String address, int tcpPort, int udpPort) {
        this.dir = dir;
        this.namespace = namespace;
        this.address = address;
        this.tcpPort = tcpPort;
        this.udpPort = udpPort;
    }

    /** Fails the test under CI when nginx or its stream module is missing, skips it otherwise. */
    public static void require() {
        Requirements.program(NGINX, "nginx");
        Requirements.file(STREAM_MODULE, "libnginx-mod-stream");
    }

    /**
     * A balancer listening on {@code address}: {@code tcpPort} to the {@code tcpUpstreams} ({@code
     * HOST:PORT}) and {@code udpPort} to the {@code udpUpstreams}. Not started yet.
     */
    public static Nginx of(
            Path dir,
            String namespace,
            String address,
            int tcpPort,
            List<String> tcpUpstreams,
            int udpPort,
            List<String> udpUpstreams)
            throws IOException {
        require();
        Files.createDirectories(dir);
        Nginx n = new Nginx(dir, namespace, address, tcpPort, udpPort);
        Files.writeString(
                n.config(), config(dir, address, tcpPort, tcpUpstreams, udpPort, udpUpstreams));
        return n;
    }

    static String config(
            Path dir,
            String address,
            int tcpPort,
            List<String> tcpUpstreams,
            int udpPort,
            List<String> udpUpstreams) {
        StringBuilder ke = new StringBuilder();
        for (String u : tcpUpstreams) {
            ke.append("    server ")
                    .append(u)
                    .append(" max_fails=1 fail_timeout=")
                    .append(FAIL_TIMEOUT_SECONDS)
                    .append("s;\n");
        }
        StringBuilder ntp = new StringBuilder();
        for (String u : udpUpstreams) {
            ntp.append("    server ")
                    .append(u)
                    .append(" max_fails=1 fail_timeout=")
                    .append(FAIL_TIMEOUT_SECONDS)
                    .append("s;\n");
        }
        return """
                load_module %s;
                daemon off;
                master_process on;
                worker_processes 1;
                user root;
                pid %s;
                error_log %s info;
                events { worker_connections 1024; }
                stream {
                  log_format sessions '$protocol|$upstream_addr|$upstream_bytes_received|$status';
                  access_log %s sessions;
                  upstream ntske {
                %s  }
                  upstream ntp {
                %s  }
                  server { listen %s:%d; proxy_pass ntske; proxy_connect_timeout 2s; proxy_timeout 10s; }
                  server { listen %s:%d udp; proxy_pass ntp; proxy_responses 1; proxy_timeout 2s; }
                }
                """
                .formatted(
                        STREAM_MODULE,
                        dir.resolve("nginx.pid"),
                        dir.resolve("error.log"),
                        dir.resolve("access.log"),
                        ke,
                        ntp,
                        address,
                        tcpPort,
                        address,
                        udpPort);
    }

    Path config() {
        return dir.resolve("nginx.conf");
    }

    /** Starts nginx and waits until its TCP port accepts. */
    public Nginx start() throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        if (namespace != null) {
            cmd.addAll(List.of("ip", "netns", "exec", namespace));
        }
        cmd.addAll(List.of(NGINX.toString(), "-p", dir.toString(), "-c", config().toString()));
        process =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(dir.resolve("nginx.out").toFile()))
                        .start();
        boolean up =
                namespace != null
                        ? Await.until(
                                Duration.ofSeconds(10),
                                Duration.ofMillis(100),
                                this::logSaysStarted,
                                b -> b)
                        : Await.until(
                                Duration.ofSeconds(10),
                                Duration.ofMillis(100),
                                this::accepts,
                                b -> b);
        if (!up) {
            throw new AssertionError(
                    "nginx did not start:\n"
                            + errorLog()
                            + Files.readString(dir.resolve("nginx.out")));
        }
        return this;
    }

    private boolean logSaysStarted() throws IOException {
        return errorLog().contains("start worker process");
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, tcpPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int udpPort() {
        return udpPort;
    }

    /**
     * One session nginx ended: {@code TCP} or {@code UDP}, the upstream it went to ({@code
     * HOST:PORT}, the last one tried), the bytes that upstream sent back, and nginx's status (200:
     * ended well).
     */
    public record Session(String protocol, String upstream, long bytesFromUpstream, int status) {

        /**
         * Longer than an NTS NAK (84 bytes with chronyd's 32-byte identifier), shorter than any NTS
         * reply (over 200).
         */
        static final int NTS_NAK_MAX_BYTES = 120;

        /** A UDP session that an upstream answered: one NTP request and its reply. */
        public boolean answeredUdp() {
            return protocol.equals("UDP") && bytesFromUpstream > 0;
        }

        /**
         * An NTS request answered with a NAK: the header and the echoed identifier only, where an
         * authenticated reply carries an authenticator with a new cookie. (Plain NTP replies are as
         * short: count this only where every client speaks NTS.)
         */
        public boolean ntsNak() {
            return answeredUdp() && bytesFromUpstream < NTS_NAK_MAX_BYTES;
        }
    }

    /** Every session ended so far, oldest first (one access log line each). */
    public List<Session> sessions() throws IOException {
        Path log = dir.resolve("access.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        List<Session> all = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.trim().split("\\|");
            if (f.length == 4) {
                String[] tried = f[1].split(",\\s*");
                String[] bytes = f[2].split(",\\s*");
                long received =
                        bytes[bytes.length - 1].chars().allMatch(Character::isDigit)
                                ? Long.parseLong(bytes[bytes.length - 1])
                                : 0;
                all.add(
                        new Session(
                                f[0], tried[tried.length - 1], received, Integer.parseInt(f[3])));
            }
        }
        return all;
    }

    /** nginx's error log (at info: every session and every upstream it gave up on). */
    public String errorLog() throws IOException {
        Path log = dir.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
