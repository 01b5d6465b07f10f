package dev.ntsfarm.app.bench;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeFrame;
import dev.ntsfarm.core.ke.KeLimits;
import dev.ntsfarm.core.ke.KeProtocol;
import dev.ntsfarm.core.ke.KeRecordFramer;
import dev.ntsfarm.core.ke.KeResponseParser;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.ke.NtsExporter;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * One NTS-KE exchange (RFC 8915 section 4) with the JDK's TLS 1.3 and ALPN {@code ntske/1}: the request
 * and response records come from nts-core, the keys from the TLS exporter.
 */
final class NtsKeClient {

    private NtsKeClient() {
    }

    /**
     * @param trust PEM certificates to trust, or {@code null} to trust any certificate (a benchmark of
     *              a local server with a self-signed certificate; never for time that matters)
     */
    static NtsSession establish(String host, int port, AeadAlgorithm aead, Path trust, int defaultNtpPort,
                                int timeoutMillis) throws IOException, GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, trustManagers(trust), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            SSLParameters p = socket.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            p.setApplicationProtocols(new String[] {KeProtocol.ALPN});
            if (trust != null) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!Character.isDigit(host.charAt(0)) && host.indexOf(':') < 0) {
                p.setServerNames(java.util.List.of(new SNIHostName(host)));
            }
            socket.setSSLParameters(p);
            socket.startHandshake();
            if (!KeProtocol.ALPN.equals(socket.getApplicationProtocol())) {
                throw new IOException("the server did not agree to ALPN " + KeProtocol.ALPN);
            }
            KeClientRequest request = KeClientRequest.builder().aeads(aead).build();
            socket.getOutputStream().write(request.encode());
            socket.getOutputStream().flush();
            KeResponseResult result = KeResponseParser.parse(readMessage(socket.getInputStream()), request);
            if (!(result instanceof KeResponseResult.Accepted accepted)) {
                throw new IOException("NTS-KE refused: " + result);
            }
            ExtendedSSLSession session = (ExtendedSSLSession) socket.getSession();
            int keyLength = accepted.aead().keyLength();
            byte[] c2s = export(session, NtsExporter.context(accepted.aead(), false, accepted.compliantGcmSiv()), keyLength);
            byte[] s2c = export(session, NtsExporter.context(accepted.aead(), true, accepted.compliantGcmSiv()), keyLength);
            try {
                return new NtsSession(accepted.aead(), c2s, s2c, accepted.cookies(),
                        accepted.server().orElse(host), accepted.port().orElse(defaultNtpPort));
            } finally {
                Arrays.fill(c2s, (byte) 0);
                Arrays.fill(s2c, (byte) 0);
            }
        }
    }

    private static byte[] export(ExtendedSSLSession session, byte[] context, int length) throws IOException {
        try {
            return session.exportKeyingMaterialData(NtsExporter.LABEL, context, length);
        } catch (javax.net.ssl.SSLKeyException e) {
            throw new IOException("TLS exporter failed: " + e.getMessage(), e);
        }
    }

    private static java.util.List<dev.ntsfarm.core.ke.KeRecord> readMessage(InputStream in) throws IOException {
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
            if (len == buf.length) {
                throw new IOException("NTS-KE response longer than " + buf.length + " bytes");
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                throw new IOException("NTS-KE connection closed before End of Message");
            }
            len += n;
        }
    }

    private static TrustManager[] trustManagers(Path trust) throws IOException, GeneralSecurityException {
        if (trust == null) {
            return new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }};
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(trust)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + i++, c);
            }
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return f.getTrustManagers();
    }
}
