package dev.ntsfarm.app;

import dev.ntsfarm.agent.nts.NtsKeClient;
import dev.ntsfarm.agent.nts.NtsTrust;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.nts.NtsClientResponse;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * A minimal NTS client over nts-core for the tests: one NTS-KE exchange, then single NTS queries.
 */
public final class NtsTestClient {

    /** What one NTS-KE exchange gave. */
    public record Session(SessionKeys keys, List<byte[]> cookies) {}

    private NtsTestClient() {}

    /**
     * One NTS-KE exchange with the clock agent's client (AES-SIV-CMAC-256), trusting {@code
     * trustedCert}.
     */
    public static Session establish(int ntsKePort, Path trustedCert) throws Exception {
        NtsAssociation.Session r =
                new NtsKeClient(NtsTrust.of(List.of(trustedCert), false, () -> true), 5000)
                        .negotiate(
                                "127.0.0.1",
                                ntsKePort,
                                List.of(AeadAlgorithm.AES_SIV_CMAC_256),
                                123);
        return new Session(r.keys(), r.cookies());
    }

    /** Sends one NTS request with {@code cookie} to the responder and checks its answer. */
    public static NtsClientResponse.Result query(int ntpPort, Session session, byte[] cookie)
            throws IOException {
        NtsClientRequest request =
                NtsClientRequest.builder()
                        .cookie(cookie)
                        .keys(session.keys())
                        .random(NonceSource.of(new SecureRandom()))
                        .transmitTimestamp(new SecureRandom().nextLong())
                        .placeholders(1)
                        .build();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(2000);
            byte[] packet = request.packet();
            socket.send(
                    new DatagramPacket(
                            packet, packet.length, InetAddress.getLoopbackAddress(), ntpPort));
            byte[] buf = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            socket.receive(reply);
            return NtsClientResponse.verify(buf, 0, reply.getLength(), request, session.keys());
        }
    }
}
