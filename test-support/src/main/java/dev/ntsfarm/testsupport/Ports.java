package dev.ntsfarm.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports, picked right before use, for processes that cannot bind port 0 themselves
 * and report it back (chronyd, a farm in another JVM). Services of ours take port 0 instead.
 */
public final class Ports {

    private static final int ATTEMPTS = 50;

    private Ports() {}

    /** A UDP port free on loopback. */
    public static int freeUdp() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TCP port free on loopback. */
    public static int freeTcp() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free for both UDP and TCP on loopback (NTP and NTS-KE of one server, say). */
    public static int freeUdpAndTcp() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int p = freeUdp();
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // that one is taken for TCP: try another
            }
        }
        throw new IllegalStateException(
                "no port free for UDP and TCP on loopback after " + ATTEMPTS + " tries");
    }
}
