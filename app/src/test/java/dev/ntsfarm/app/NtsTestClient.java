package dev.ntsfarm.app;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeFrame;
import dev.ntsfarm.core.ke.KeLimits;
import dev.ntsfarm.core.ke.KeProtocol;
import dev.ntsfarm.core.ke.KeRecord;
import dev.ntsfarm.core.ke.KeRecordFramer;
import dev.ntsfarm.core.ke.KeResponseParser;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.ke.NtsExporter;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.nts.NtsClientResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A minimal NTS client over nts-core for the tests: one NTS-KE exchange, then single NTS queries. */
final class NtsTestClient {

    /** What one NTS-KE exchange gave. */
    record Session(SessionKeys keys, List<byte[]> cookies) { }

    private NtsTestClient() {
    }

    static Session establish(int ntsKePort, Path trustedCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trustedCert)) {
            trust.setCertificateEntry("farm", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", ntsKePort), 5000);
            socket.setSoTimeout(5000);
            SSLParameters p = socket.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            p.setApplicationProtocols(new String[] {KeProtocol.ALPN});
            p.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(p);
            socket.startHandshake();
            KeClientRequest request = KeClientRequest.builder().aeads(AeadAlgorithm.AES_SIV_CMAC_256).build();
            socket.getOutputStream().write(request.encode());
            socket.getOutputStream().flush();
            KeResponseResult result = KeResponseParser.parse(read(socket.getInputStream()), request);
            if (!(result instanceof KeResponseResult.Accepted accepted)) {
                throw new IOException("NTS-KE refused: " + result);
            }
            ExtendedSSLSession session = (ExtendedSSLSession) socket.getSession();
            int n = accepted.aead().keyLength();
            byte[] c2s = session.exportKeyingMaterialData(NtsExporter.LABEL,
                    NtsExporter.context(accepted.aead(), false, accepted.compliantGcmSiv()), n);
            byte[] s2c = session.exportKeyingMaterialData(NtsExporter.LABEL,
                    NtsExporter.context(accepted.aead(), true, accepted.compliantGcmSiv()), n);
            return new Session(SessionKeys.of(accepted.aead(), c2s, s2c), accepted.cookies());
        }
    }

    /** Sends one NTS request with {@code cookie} to the responder and checks its answer. */
    static NtsClientResponse.Result query(int ntpPort, Session session, byte[] cookie) throws IOException {
        NtsClientRequest request = NtsClientRequest.builder().cookie(cookie).keys(session.keys())
                .random(NonceSource.of(new SecureRandom())).transmitTimestamp(new SecureRandom().nextLong())
                .placeholders(1).build();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(2000);
            byte[] packet = request.packet();
            socket.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), ntpPort));
            byte[] buf = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            socket.receive(reply);
            return NtsClientResponse.verify(buf, 0, reply.getLength(), request, session.keys());
        }
    }

    private static List<KeRecord> read(InputStream in) throws IOException {
        byte[] buf = new byte[KeLimits.MAX_MESSAGE_LENGTH];
        int len = 0;
        while (true) {
            KeFrame f = KeRecordFramer.frame(buf, 0, len);
            if (f instanceof KeFrame.Complete c) {
                return c.records();
            }
            if (f instanceof KeFrame.Malformed m) {
                throw new IOException("malformed NTS-KE response: " + m.reason());
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                throw new IOException("NTS-KE connection closed before End of Message");
            }
            len += n;
        }
    }
}
