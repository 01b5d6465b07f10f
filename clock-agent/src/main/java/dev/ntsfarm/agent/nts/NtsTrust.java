package dev.ntsfarm.agent.nts;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificates an NTS-KE server may present: those of {@code ntstrustedcerts} files plus the
 * system's store unless {@code nosystemcert}. With {@code nocerttimecheck N} the validity dates are
 * not checked until the clock has been updated N times (chrony's rule: a wrong clock must not lock
 * the client out of the time that would correct it).
 */
public final class NtsTrust {

    private final KeyStore anchors;
    private final BooleanSupplier checkTime;

    private NtsTrust(KeyStore anchors, BooleanSupplier checkTime) {
        this.anchors = anchors;
        this.checkTime = checkTime;
    }

    /**
     * @param trustedCertFiles PEM files of trusted certificates ({@code ntstrustedcerts})
     * @param systemStore also trust the JDK's default store (no {@code nosystemcert})
     * @param checkTime whether certificate validity dates are checked right now
     */
    public static NtsTrust of(
            List<Path> trustedCertFiles, boolean systemStore, BooleanSupplier checkTime)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int n = 0;
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (Path file : trustedCertFiles) {
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(file)) {
                certs = cf.generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new CertificateException(
                        file + ": no certificate found (expected: PEM certificates)");
            }
            for (Certificate c : certs) {
                ks.setCertificateEntry("file-" + n++, c);
            }
        }
        if (systemStore) {
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        ks.setCertificateEntry("system-" + n++, c);
                    }
                }
            }
        }
        if (n == 0) {
            throw new CertificateException(
                    "no trusted certificates (expected: ntstrustedcerts, or the system store)");
        }
        return new NtsTrust(ks, checkTime);
    }

    /**
     * A trust manager that checks chains against the anchors, dates only while {@code checkTime}
     * says so.
     */
    public X509ExtendedTrustManager trustManager() {
        return new Checker();
    }

    private X509ExtendedTrustManager delegate(Date at) throws CertificateException {
        try {
            PKIXBuilderParameters p = new PKIXBuilderParameters(anchors, new X509CertSelector());
            p.setRevocationEnabled(false);
            if (at != null) {
                p.setDate(at);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(new CertPathTrustManagerParameters(p));
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new CertificateException("no PKIX trust manager");
        } catch (GeneralSecurityException e) {
            throw new CertificateException("trust setup failed: " + e.getMessage(), e);
        }
    }

    /**
     * With time checks on: every certificate of the chain must be valid now, the trusted one too
     * (PKIX takes an anchor as it is, GnuTLS does not). Off: checking at a moment inside the
     * certificates' validity makes the dates pass and everything else count.
     */
    private Date checkDate(X509Certificate[] chain) throws CertificateException {
        if (checkTime.getAsBoolean()) {
            for (X509Certificate c : chain) {
                c.checkValidity();
            }
            return null;
        }
        if (chain.length == 0) {
            return null;
        }
        Date latestStart = chain[0].getNotBefore();
        for (X509Certificate c : chain) {
            if (c.getNotBefore().after(latestStart)) {
                latestStart = c.getNotBefore();
            }
        }
        return new Date(latestStart.getTime() + 1000);
    }

    private final class Checker extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate(checkDate(chain)).checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate(checkDate(chain)).checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
            delegate(checkDate(chain)).checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("an NTS client does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("an NTS client does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
            throw new CertificateException("an NTS client does not accept clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> out = new ArrayList<>();
            try {
                for (var aliases = anchors.aliases(); aliases.hasMoreElements(); ) {
                    if (anchors.getCertificate(aliases.nextElement())
                            instanceof X509Certificate x) {
                        out.add(x);
                    }
                }
            } catch (GeneralSecurityException e) {
                return new X509Certificate[0];
            }
            return out.toArray(new X509Certificate[0]);
        }
    }
}
