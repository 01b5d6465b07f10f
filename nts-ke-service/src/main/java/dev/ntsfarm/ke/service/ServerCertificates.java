package dev.ntsfarm.ke.service;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * The server's key and certificate-chain pairs ({@code ntsserverkey}/{@code ntsservercert}), read
 * and checked before TLS uses them, at start and on every reload: each file must read, each key
 * must parse, the chain's first certificate must carry the key's public half and be valid now. A
 * pair that fails says which file and why, and never quotes the key.
 */
final class ServerCertificates {

    /** Key types the JDK's key manager files keys under. */
    private static final List<String> KEY_TYPES =
            List.of("EC", "RSA", "EdDSA", "Ed25519", "Ed448", "RSASSA-PSS");

    private static final byte[] PROBE =
            "ntsfarm key and certificate pairing".getBytes(StandardCharsets.US_ASCII);

    /** The checked pairs as Vert.x options, with each chain's leaf for the operator. */
    record Loaded(PemKeyCertOptions options, List<X509Certificate> leaves) {

        /**
         * What the log says of the certificates now in use: subject, expiry and SHA-256
         * fingerprint.
         */
        String describe() {
            List<String> out = new ArrayList<>();
            for (X509Certificate c : leaves) {
                out.add(
                        c.getSubjectX500Principal().getName()
                                + " (until "
                                + c.getNotAfter().toInstant()
                                + ", SHA-256 "
                                + fingerprint(c)
                                + ")");
            }
            return String.join("; ", out);
        }
    }

    /** Why the pairs could not be used: names the file, never a key's contents. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    private ServerCertificates() {}

    static Loaded load(Vertx vertx, List<NtsKeOptions.KeyCertPair> pairs) throws Unusable {
        if (pairs.isEmpty()) {
            throw new Unusable(
                    "no certificate for NTS-KE (expected: ntsserverkey FILE and ntsservercert FILE)");
        }
        PemKeyCertOptions all = new PemKeyCertOptions();
        List<X509Certificate> leaves = new ArrayList<>();
        for (NtsKeOptions.KeyCertPair p : pairs) {
            // read once: what is checked here is exactly what TLS is given, whatever happens to the
            // files after
            Buffer keyPem = read(p.key(), "ntsserverkey");
            Buffer certPem = read(p.certChain(), "ntsservercert");
            PemKeyCertOptions one =
                    new PemKeyCertOptions().addKeyValue(keyPem).addCertValue(certPem);
            X509KeyManager km;
            try {
                km = keyManager(one.getKeyManagerFactory(vertx));
            } catch (Exception e) {
                // the parser's own message may carry bytes of the file: say which pair, not what is
                // in it
                throw new Unusable(
                        "ntsserverkey "
                                + p.key()
                                + " / ntsservercert "
                                + p.certChain()
                                + ": not a PEM private key and certificate chain ("
                                + e.getClass().getSimpleName()
                                + ")");
            }
            String alias = firstAlias(km);
            if (alias == null) {
                throw new Unusable(
                        "ntsserverkey "
                                + p.key()
                                + ": no private key of a known type (EC, RSA, EdDSA)");
            }
            X509Certificate[] chain = km.getCertificateChain(alias);
            PrivateKey key = km.getPrivateKey(alias);
            if (chain == null || chain.length == 0) {
                throw new Unusable("ntsservercert " + p.certChain() + ": no certificate");
            }
            X509Certificate leaf = chain[0];
            if (!pairs(key, leaf.getPublicKey())) {
                throw new Unusable(
                        "ntsserverkey "
                                + p.key()
                                + " does not belong to the first certificate of "
                                + p.certChain()
                                + " ("
                                + leaf.getSubjectX500Principal().getName()
                                + ")");
            }
            try {
                leaf.checkValidity();
            } catch (CertificateExpiredException e) {
                throw new Unusable(
                        "ntsservercert "
                                + p.certChain()
                                + ": expired on "
                                + leaf.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                throw new Unusable(
                        "ntsservercert "
                                + p.certChain()
                                + ": not valid before "
                                + leaf.getNotBefore().toInstant());
            }
            all.addKeyValue(keyPem).addCertValue(certPem);
            leaves.add(leaf);
        }
        return new Loaded(all, List.copyOf(leaves));
    }

    private static Buffer read(Path file, String directive) throws Unusable {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new Unusable(directive + " " + file + ": cannot read it");
        }
        try {
            return Buffer.buffer(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new Unusable(
                    directive
                            + " "
                            + file
                            + ": cannot read it ("
                            + e.getClass().getSimpleName()
                            + ")");
        }
    }

    private static X509KeyManager keyManager(KeyManagerFactory f) throws Unusable {
        for (KeyManager m : f.getKeyManagers()) {
            if (m instanceof X509KeyManager x) {
                return x;
            }
        }
        throw new Unusable("no X.509 key manager");
    }

    private static String firstAlias(X509KeyManager km) {
        Set<String> aliases = new LinkedHashSet<>();
        for (String type : KEY_TYPES) {
            String[] a = km.getServerAliases(type, null);
            if (a != null) {
                aliases.addAll(List.of(a));
            }
        }
        return aliases.isEmpty() ? null : aliases.iterator().next();
    }

    /** Whether {@code key} signs what {@code pub} verifies: the pair belongs together. */
    private static boolean pairs(PrivateKey key, PublicKey pub) {
        String alg =
                switch (key.getAlgorithm()) {
                    case "EC" -> "SHA256withECDSA";
                    case "RSA" -> "SHA256withRSA";
                    case "RSASSA-PSS" -> "RSASSA-PSS";
                    default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448
                };
        try {
            Signature s = Signature.getInstance(alg);
            if (alg.equals("RSASSA-PSS")) {
                s.setParameter(
                        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            }
            s.initSign(key);
            s.update(PROBE);
            byte[] sig = s.sign();
            s.initVerify(pub);
            s.update(PROBE);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.ofDelimiter(":")
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            return "?";
        }
    }
}
