package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.ke.KeClientRequest;
import dev.ntsfarm.core.ke.KeResponseResult;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.testsupport.TestCertificate;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * chrony's {@code ntsservercert} habits: the certificate file carries the intermediates after the
 * server's certificate, and several key/certificate pairs are chosen by the name the client asks
 * for (SNI). The client trusts only the root, so a handshake proves the server sent the whole
 * chain.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class CertificateChainTest {

    @TempDir Path dir;
    private NtsKeServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop().await();
        }
    }

    private static NtsKeOptions.KeyCertPair pair(TestCertificate leaf) {
        return new NtsKeOptions.KeyCertPair(leaf.key(), leaf.cert());
    }

    /**
     * TLS 1.3 with ALPN ntske/1 to 127.0.0.1, asking for {@code sniName}, trusting {@code root}
     * only.
     */
    private static SSLSocket connect(int port, TestCertificate root, String sniName)
            throws Exception {
        TrustManagerFactory tmf = root.trust();
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        p.setApplicationProtocols(new String[] {"ntske/1"});
        p.setServerNames(List.of(new SNIHostName(sniName)));
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    @Test
    void sendsTheIntermediatesAndPicksThePairByServerName(Vertx vertx) throws Exception {
        TestCertificate root = TestCertificate.authority(dir, "ntsfarm test root");
        TestCertificate intermediate = root.issue(dir, "ntsfarm test intermediate", true);
        TestCertificate first =
                intermediate.issue(
                        dir, "first.ntsfarm.test", false, "first.ntsfarm.test", "127.0.0.1");
        TestCertificate second =
                intermediate.issue(
                        dir, "second.ntsfarm.test", false, "second.ntsfarm.test", "127.0.0.1");
        NtsKeOptions options =
                NtsKeOptions.defaults()
                        .withPort(0)
                        .withInstances(1)
                        .withBindAddresses(List.of("127.0.0.1"))
                        .withKeyCertPairs(List.of(pair(first), pair(second)));
        server =
                new NtsKeServer(
                        vertx, options, KeyRingSource.of(NtsKeServerTest.RING), new ServerStats());
        int port = server.start().await().getFirst();

        for (TestCertificate expected : List.of(first, second)) {
            String name =
                    expected.certificate()
                            .getSubjectX500Principal()
                            .getName()
                            .substring("CN=".length());
            try (SSLSocket s = connect(port, root, name)) {
                var chain = s.getSession().getPeerCertificates();
                assertEquals(2, chain.length, "the server's certificate and the intermediate");
                assertEquals(expected.certificate(), chain[0], "the pair for " + name);
                assertEquals(intermediate.certificate(), chain[1]);
                // and NTS-KE works over it
                KeClientRequest request =
                        KeClientRequest.builder().aeads(AeadAlgorithm.AES_SIV_CMAC_256).build();
                s.getOutputStream().write(request.encode());
                s.getOutputStream().flush();
                byte[] response = s.getInputStream().readAllBytes();
                var frame =
                        assertInstanceOf(
                                dev.ntsfarm.core.ke.KeFrame.Complete.class,
                                dev.ntsfarm.core.ke.KeRecordFramer.frame(
                                        response, 0, response.length));
                var accepted =
                        assertInstanceOf(
                                KeResponseResult.Accepted.class,
                                dev.ntsfarm.core.ke.KeResponseParser.parse(
                                        frame.records(), request));
                assertEquals(8, accepted.cookies().size());
            }
        }
    }
}
