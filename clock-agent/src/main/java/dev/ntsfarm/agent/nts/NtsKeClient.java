package dev.ntsfarm.agent.nts;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.cookie.SessionKeys;
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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The client side of one NTS-KE session (RFC 8915 section 4) over the JDK's TLS 1.3, whose exporter
 * yields the keys. Blocking: callers run it off the event loop ({@code executeBlocking}).
 */
public final class NtsKeClient {

    /** chrony's NTS-KE client timeout. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 5000;

    private final NtsTrust trust;
    private final int timeoutMillis;
    private final AtomicLong sessions = new AtomicLong();

    public NtsKeClient(NtsTrust trust, int timeoutMillis) {
        this.trust = trust;
        this.timeoutMillis = timeoutMillis;
    }

    /** NTS-KE sessions started by this client, for {@code authdata}'s and the tests' accounting. */
    public long sessionsStarted() {
        return sessions.get();
    }

    /**
     * Runs one session against {@code host:ntsPort}.
     *
     * @param defaultNtpPort the NTP port when the server sends no Port Negotiation
     * @throws NtsKeException with what went wrong, never with key material
     */
    public NtsAssociation.Session negotiate(
            String host, int ntsPort, List<AeadAlgorithm> aeads, int defaultNtpPort)
            throws NtsKeException {
        sessions.incrementAndGet();
        KeClientRequest request = KeClientRequest.builder().aeads(aeads).build();
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, new TrustManager[] {trust.trustManager()}, null);
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress(host, ntsPort), timeoutMillis);
                raw.setSoTimeout(timeoutMillis);
                try (SSLSocket tls =
                        (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, ntsPort, true)) {
                    SSLParameters p = tls.getSSLParameters();
                    p.setProtocols(new String[] {"TLSv1.3"});
                    p.setApplicationProtocols(new String[] {KeProtocol.ALPN});
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    tls.setSSLParameters(p);
                    tls.startHandshake();
                    if (!KeProtocol.ALPN.equals(tls.getApplicationProtocol())) {
                        throw new NtsKeException("server did not agree to ALPN " + KeProtocol.ALPN);
                    }
                    OutputStream out = tls.getOutputStream();
                    out.write(request.encode());
                    out.flush();
                    KeResponseResult result =
                            KeResponseParser.parse(readResponse(tls.getInputStream()), request);
                    if (!(result instanceof KeResponseResult.Accepted a)) {
                        throw new NtsKeException("server refused: " + result);
                    }
                    ExtendedSSLSession session = (ExtendedSSLSession) tls.getSession();
                    SessionKeys keys = export(session, a.aead(), a.compliantGcmSiv());
                    SessionKeys alternate =
                            NtsExporter.clientNeedsAlternateKeys(a.aead(), a.compliantGcmSiv())
                                    ? export(session, a.aead(), true)
                                    : null;
                    return new NtsAssociation.Session(
                            keys,
                            alternate,
                            a.cookies(),
                            a.server().orElse(host),
                            a.port().orElse(defaultNtpPort));
                }
            }
        } catch (IOException e) {
            throw new NtsKeException(host + ":" + ntsPort + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new NtsKeException(host + ":" + ntsPort + ": TLS setup: " + e.getMessage(), e);
        }
    }

    private static SessionKeys export(
            ExtendedSSLSession session, AeadAlgorithm aead, boolean compliant)
            throws javax.net.ssl.SSLKeyException {
        byte[] c2s =
                session.exportKeyingMaterialData(
                        NtsExporter.LABEL,
                        NtsExporter.context(aead, false, compliant),
                        aead.keyLength());
        byte[] s2c =
                session.exportKeyingMaterialData(
                        NtsExporter.LABEL,
                        NtsExporter.context(aead, true, compliant),
                        aead.keyLength());
        try {
            return SessionKeys.of(aead, c2s, s2c);
        } finally {
            Arrays.fill(c2s, (byte) 0);
            Arrays.fill(s2c, (byte) 0);
        }
    }

    private List<dev.ntsfarm.core.ke.KeRecord> readResponse(InputStream in)
            throws IOException, NtsKeException {
        byte[] buf = new byte[4096];
        int n = 0;
        while (true) {
            KeFrame f = KeRecordFramer.frame(buf, 0, n, KeLimits.MIN_ACCEPTED_RESPONSE_LENGTH);
            switch (f) {
                case KeFrame.Complete c -> {
                    return c.records();
                }
                case KeFrame.Malformed m ->
                        throw new NtsKeException("malformed response: " + m.reason());
                case KeFrame.NeedsMoreData ignored -> {
                    if (n == buf.length) {
                        buf =
                                Arrays.copyOf(
                                        buf,
                                        Math.min(
                                                buf.length * 2,
                                                KeLimits.MIN_ACCEPTED_RESPONSE_LENGTH));
                    }
                    int r = in.read(buf, n, buf.length - n);
                    if (r < 0) {
                        throw new NtsKeException(
                                "server closed the connection before End of Message");
                    }
                    n += r;
                }
            }
        }
    }
}
