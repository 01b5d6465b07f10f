package dev.ntsfarm.core.keyfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Ports;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * chronyd 4.3 as a symmetric-key NTP server: our signed mode-3 requests must be accepted and its
 * signed answers must verify with our MAC code, which checks the construction and the truncation
 * rules against chronyd itself. Loopback only; chronyd runs with {@code -x}, so it never touches
 * the clock.
 */
@Tag("chronyd")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronydSymmetricKeyTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int NTP_HEADER = 48;
    private static final long STARTUP_DEADLINE_MS = 15_000;

    @TempDir static Path dir;

    private static KeyFile keys;
    private static Chronyd chronyd;
    private static int port;

    @BeforeAll
    static void startChronyd() throws Exception {
        chronyd = Chronyd.in(dir);
        String keyText =
                """
                # one key per algorithm family chrony supports
                1 MD5 ASCII:ntsfarm-md5-key
                2 SHA1 HEX:%s
                3 SHA512 HEX:%s
                4 AES128 HEX:%s
                """
                        .formatted(randomHex(20), randomHex(32), randomHex(16));
        keys =
                assertInstanceOf(KeyFileResult.Parsed.class, KeyFile.parse("chrony.keys", keyText))
                        .keyFile();
        Path keyFile = Files.writeString(chronyd.dir.resolve("chrony.keys"), keyText);
        port = Ports.freeUdp();
        chronyd.startDaemon(
                "port " + port,
                "bindaddress 127.0.0.1",
                "keyfile " + keyFile,
                "allow 127.0.0.1",
                "local stratum 8");
    }

    @AfterAll
    static void stopChronyd() {
        if (chronyd != null) {
            chronyd.close();
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /**
     * A client request (RFC 5905 section 7.3) with a random transmit timestamp, then our MAC
     * trailer.
     */
    private static byte[] signedRequest(SymmetricKey key, int version) {
        byte[] packet = new byte[NTP_HEADER + key.algorithm().trailerLength(version)];
        packet[0] = (byte) (version << 3 | 3); // LI 0, VN, mode 3 (client)
        packet[2] = 6; // poll
        packet[3] = (byte) -20; // precision
        byte[] xmt = new byte[8];
        new SecureRandom().nextBytes(xmt);
        System.arraycopy(xmt, 0, packet, 40, 8);
        int trailer = NtpMac.writeTrailer(key, version, packet, 0, NTP_HEADER, packet, NTP_HEADER);
        assertEquals(packet.length, NTP_HEADER + trailer);
        return packet;
    }

    /** Sends the request until chronyd answers (it may still be starting), within a deadline. */
    private static byte[] exchange(byte[] request) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STARTUP_DEADLINE_MS);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.setSoTimeout(250);
            byte[] buf = new byte[1024];
            while (System.nanoTime() < deadline) {
                assertTrue(chronyd.isRunning(), () -> "chronyd exited: " + log());
                socket.send(new DatagramPacket(request, request.length, LOOPBACK, port));
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(reply);
                    return Arrays.copyOf(buf, reply.getLength());
                } catch (SocketTimeoutException notYet) {
                    // chronyd not listening yet, or the datagram was lost: send again
                }
            }
        }
        return fail("no answer from chronyd within " + STARTUP_DEADLINE_MS + " ms: " + log());
    }

    private static String log() {
        try {
            return chronyd.log();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @ParameterizedTest
    @CsvSource({
        "1, 4, 16", // MD5, ASCII key
        "2, 4, 20", // SHA1, HEX key
        "3, 4, 20", // SHA512 cut to 20 bytes in NTPv4
        "3, 3, 64", // SHA512 whole in NTPv3
        "4, 4, 16", // AES128 CMAC
    })
    void chronydAcceptsOurMacAndItsAnswerVerifies(long keyId, int version, int expectedMacLength)
            throws IOException {
        SymmetricKey key = keys.get(keyId).orElseThrow();
        byte[] request = signedRequest(key, version);
        byte[] response = exchange(request);

        assertEquals(4, response[0] & 7, "mode 4 (server)");
        assertEquals(version, (response[0] >> 3) & 7, "chronyd answers in the request's version");
        assertArrayEquals(
                Arrays.copyOfRange(request, 40, 48),
                Arrays.copyOfRange(response, 24, 32),
                "origin timestamp echoes our transmit timestamp");
        assertEquals(
                NTP_HEADER + 4 + expectedMacLength,
                response.length,
                "trailer length chosen by chronyd");
        assertEquals(
                keyId,
                ((response[48] & 0xFFL) << 24)
                        | ((response[49] & 0xFF) << 16)
                        | ((response[50] & 0xFF) << 8)
                        | (response[51] & 0xFF));
        assertTrue(
                NtpMac.verify(
                        key, version, response, 0, NTP_HEADER, response, 52, expectedMacLength),
                "chronyd's MAC verifies with ours");

        response[47] ^= 1;
        assertFalse(
                NtpMac.verify(
                        key, version, response, 0, NTP_HEADER, response, 52, expectedMacLength));
    }

    @ParameterizedTest
    @CsvSource({"1", "2", "3", "4"})
    void chronydDropsARequestWhoseMacDoesNotVerify(long keyId) throws IOException {
        SymmetricKey key = keys.get(keyId).orElseThrow();
        exchange(signedRequest(key, 4)); // chronyd is up and answers this key
        byte[] request = signedRequest(key, 4);
        request[request.length - 1] ^= 1;
        // chronyd 4.3 (ntp_core.c) sends nothing when a request fails authentication without a KoD
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.setSoTimeout(1000);
            socket.send(new DatagramPacket(request, request.length, LOOPBACK, port));
            DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
            try {
                socket.receive(reply);
                fail("chronyd answered a request with a bad MAC (" + reply.getLength() + " bytes)");
            } catch (SocketTimeoutException expected) {
                assertTrue(chronyd.isRunning());
            }
        }
    }
}
