package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Chronyd;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A continuous chronyd client of a farm (through its balancer), polling every half second, with
 * what the farm tests read from it: Reach, its measurements and its NTS state ({@code authdata}).
 */
final class FarmClient implements AutoCloseable {

    /** chronyd's poll here: 2^-1 s, so eight polls (Reach 377) take four seconds. */
    static final int POLL = -1;

    static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    final Chronyd chronyd;
    private final int cmdport;
    private final Path logdir;

    private FarmClient(Chronyd chronyd, int cmdport, Path logdir) {
        this.chronyd = chronyd;
        this.cmdport = cmdport;
        this.logdir = logdir;
    }

    /** Starts chronyd against {@code host}'s NTP port and NTS-KE port, trusting {@code cert}. */
    static FarmClient start(
            Path dir, String host, int ntpPort, int kePort, Path cert, String... extra)
            throws IOException {
        return start(null, dir, host, ntpPort, kePort, cert, extra);
    }

    /** The same inside the network namespace {@code namespace} (chronyc too), or here when null. */
    static FarmClient start(
            String namespace,
            Path dir,
            String host,
            int ntpPort,
            int kePort,
            Path cert,
            String... extra)
            throws IOException {
        Chronyd chronyd = Chronyd.in(dir, namespace);
        Path logdir = Files.createDirectories(chronyd.dir.resolve("log"));
        String[] base = {
            "server "
                    + host
                    + " port "
                    + ntpPort
                    + " ntsport "
                    + kePort
                    + " nts iburst minpoll "
                    + POLL
                    + " maxpoll "
                    + POLL,
            "ntstrustedcerts " + cert,
            "logdir " + logdir,
            "log measurements"
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return new FarmClient(chronyd, chronyd.startDaemon(all), logdir);
    }

    /**
     * The Reach register of the (one) source, as chronyc prints it (octal), or -1 without a source
     * line.
     */
    int reach() throws IOException, InterruptedException {
        for (String line :
                chronyd.chronyc("-h", "127.0.0.1", "-p", String.valueOf(cmdport), "-n", "sources")
                        .split("\n")) {
            if (line.startsWith("^")) {
                String[] f = line.trim().split("\\s+");
                return Integer.parseInt(f[4], 8);
            }
        }
        return -1;
    }

    /** Waits until Reach is 377 (eight answered polls in a row). */
    void awaitReach377(Duration timeout) throws Exception {
        int r = Await.until(timeout, Duration.ofMillis(250), this::reach, v -> v == 0377);
        assertTrue(r == 0377, "Reach " + Integer.toOctalString(r) + "\n" + chronyd.log());
    }

    /** Samples Reach for {@code span} and fails at the first sample below 377. */
    void assertReach377Throughout(Duration span, String during) throws Exception {
        long end = System.nanoTime() + span.toNanos();
        int samples = 0;
        while (System.nanoTime() < end) {
            int r = reach();
            assertTrue(
                    r == 0377,
                    "Reach fell to "
                            + Integer.toOctalString(r)
                            + " "
                            + during
                            + " (sample "
                            + samples
                            + ")");
            samples++;
            Thread.sleep(250); // chronyd's state, sampled: nothing to wait on but time
        }
    }

    /** Measurements chronyd logged so far: one line per answered poll. */
    long measurements() throws IOException {
        Path log = logdir.resolve("measurements.log");
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log).stream()
                .filter(l -> !l.isEmpty() && Character.isDigit(l.charAt(0)))
                .count();
    }

    /** Returns right after chronyd's next answered poll, so an event lands between two polls. */
    void afterNextPoll() throws Exception {
        long before = measurements();
        long now =
                Await.until(
                        Duration.ofSeconds(10),
                        Duration.ofMillis(10),
                        this::measurements,
                        n -> n > before);
        assertTrue(now > before, "chronyd logged no measurement in 10 s");
    }

    /**
     * The source's authdata line fields: Name, Mode, KeyID, Type, KLen, Last, Atmp, NAK, Cook,
     * CLen.
     */
    String[] authdata() throws IOException, InterruptedException {
        for (String line : chronyd.chronycLocal("authdata").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 10 && f[1].equals("NTS")) {
                return f;
            }
        }
        return new String[0];
    }

    long keyId() throws IOException, InterruptedException {
        String[] a = authdata();
        return a.length == 0 ? -1 : Long.parseLong(a[2]);
    }

    /**
     * chronyd's NAK column: 1 when an NTS NAK came since the last request, else 0. A flag, not a
     * count: it is 0 again after the next answer, so count NAKs where they pass (the balancer).
     */
    long naks() throws IOException, InterruptedException {
        String[] a = authdata();
        return a.length == 0 ? -1 : Long.parseLong(a[7]);
    }

    /**
     * Plain NTP requests to a balancer's UDP port, as other clients in the field send: they are how
     * the balancer hears of a dead responder before this client's next poll.
     */
    static void otherClients(String host, int port, int count) throws IOException {
        byte[] request = new byte[48];
        request[0] = 0x23; // LI 0, version 4, mode 3
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(300);
            for (int i = 0; i < count; i++) {
                s.send(
                        new DatagramPacket(
                                request, request.length, InetAddress.getByName(host), port));
                try {
                    s.receive(new DatagramPacket(new byte[512], 512));
                } catch (SocketTimeoutException lost) {
                    // the request that met the dead responder
                }
            }
        }
    }

    @Override
    public void close() {
        chronyd.close();
    }
}
