package dev.ntsfarm.ke.service;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeFrame;
import dev.ntsfarm.core.ke.KeLimits;
import dev.ntsfarm.core.ke.KeRecordFramer;
import dev.ntsfarm.core.ke.KeResponseParser;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.ke.NtsExporter;
import dev.ntsfarm.testsupport.TestCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** A blocking JDK TLS client speaking NTS-KE, for tests. */
final class KeTestClient implements AutoCloseable {

    final SSLSocket socket;

    private KeTestClient(SSLSocket socket) {
        this.socket = socket;
    }

    /**
     * Connects and completes the TLS handshake with the given ALPN list (none when empty) and
     * protocols.
     */
    static KeTestClient connect(
            String host, int port, TestCertificate certs, List<String> alpn, String... protocols)
            throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, certs.trust().getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(5000);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(protocols.length == 0 ? new String[] {"TLSv1.3"} : protocols);
        if (!alpn.isEmpty()) {
            p.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return new KeTestClient(s);
    }

    static KeTestClient connect(int port, TestCertificate certs) throws Exception {
        return connect("127.0.0.1", port, certs, List.of("ntske/1"));
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Everything the server sends until it closes (or {@code null} when it reset or timed out). */
    byte[] readToEnd() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(b)) >= 0) {
                out.write(b, 0, n);
                if (out.size() > 1 << 20) {
                    return null;
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            // a reset after the answer still leaves the answer
        }
        return out.toByteArray();
    }

    /** Sends {@code request}, reads the answer and parses it. */
    KeResponseResult exchange(KeClientRequest request) throws IOException {
        send(request.encode());
        byte[] answer = readToEnd();
        if (answer == null) {
            throw new IOException("no answer");
        }
        KeFrame f =
                KeRecordFramer.frame(
                        answer, 0, answer.length, KeLimits.MIN_ACCEPTED_RESPONSE_LENGTH);
        if (!(f instanceof KeFrame.Complete c)) {
            throw new IOException("answer does not frame: " + f);
        }
        return KeResponseParser.parse(c.records(), request);
    }

    /** The session keys the client side derives (RFC 8915 section 5.1). */
    byte[][] exportKeys(AeadAlgorithm aead, boolean compliant) throws Exception {
        ExtendedSSLSession session = (ExtendedSSLSession) socket.getSession();
        return new byte[][] {
            session.exportKeyingMaterialData(
                    NtsExporter.LABEL,
                    NtsExporter.context(aead, false, compliant),
                    aead.keyLength()),
            session.exportKeyingMaterialData(
                    NtsExporter.LABEL, NtsExporter.context(aead, true, compliant), aead.keyLength())
        };
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // the server closed first: its close_notify may meet a broken pipe
        }
    }

    static String hex(byte[] b) {
        return Arrays.toString(b);
    }
}
