package dev.ntsfarm.agent.nts;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.clock.CookieJar;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.file.PrivateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One NTS association saved in {@code ntsdumpdir}, so a restart needs no new NTS-KE: a versioned
 * text file, mode 0600, written to a temporary name and renamed over the old one.
 *
 * <pre>
 * ntsfarm-nts-client 1
 * NTSKE_HOST NTSKE_PORT
 * CONTEXT_ID KE_UNIX_SECONDS
 * AEAD_ID C2S_HEX S2C_HEX
 * - | AEAD_ID C2S_HEX S2C_HEX     (alternate GCM-SIV keys)
 * NTP_SERVER NTP_PORT
 * COOKIE_HEX                      (one a line, oldest first)
 * end COOKIE_COUNT                (so a truncated file is refused, not half used)
 * </pre>
 */
public record NtsDump(
        String keHost,
        int kePort,
        long contextId,
        long keUnixSeconds,
        NtsAssociation.Session session) {

    public static final String MAGIC = "ntsfarm-nts-client";
    public static final int VERSION = 1;
    private static final HexFormat HEX = HexFormat.of();

    /** What {@code nts} holds now, or null when it has nothing to poll with. */
    public static NtsDump of(NtsAssociation nts) {
        NtsAssociation.Session s = nts.snapshot();
        return s == null
                ? null
                : new NtsDump(nts.keHost(), nts.kePort(), nts.contextId(), nts.keUnixSeconds(), s);
    }

    /** The file for an NTS-KE server in {@code dir}. */
    public static Path file(Path dir, String keHost, int kePort) {
        return dir.resolve(keHost.replaceAll("[^A-Za-z0-9.-]", "_") + "-" + kePort + ".nts");
    }

    /** Writes the dump: to a temporary name, mode 0600, renamed over the old one. */
    public void save(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append(' ').append(VERSION).append('\n');
        sb.append(keHost).append(' ').append(kePort).append('\n');
        sb.append(contextId).append(' ').append(keUnixSeconds).append('\n');
        sb.append(keysLine(session.keys())).append('\n');
        sb.append(session.alternateKeys() == null ? "-" : keysLine(session.alternateKeys()))
                .append('\n');
        sb.append(session.ntpServer()).append(' ').append(session.ntpPort()).append('\n');
        for (byte[] c : session.cookies()) {
            sb.append(HEX.formatHex(c)).append('\n');
        }
        sb.append("end ").append(session.cookies().size()).append('\n');
        PrivateFile.write(
                file(dir, keHost, kePort), sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The saved association for that server, or empty when there is none or it does not check out.
     */
    public static Optional<NtsDump> load(Path dir, String keHost, int kePort) {
        Path f = file(dir, keHost, kePort);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
            if (lines.size() < 7 || !lines.get(0).equals(MAGIC + " " + VERSION)) {
                return Optional.empty();
            }
            String[] ke = lines.get(1).split(" ");
            if (ke.length != 2 || !ke[0].equals(keHost) || Integer.parseInt(ke[1]) != kePort) {
                return Optional.empty();
            }
            String[] ctx = lines.get(2).split(" ");
            SessionKeys keys = parseKeys(lines.get(3));
            SessionKeys alt = lines.get(4).equals("-") ? null : parseKeys(lines.get(4));
            String[] ntp = lines.get(5).split(" ");
            List<byte[]> cookies = new ArrayList<>();
            for (String line : lines.subList(6, lines.size() - 1)) {
                cookies.add(HEX.parseHex(line.strip()));
            }
            if (!lines.getLast().equals("end " + cookies.size())
                    || keys == null
                    || ctx.length != 2
                    || ntp.length != 2
                    || cookies.isEmpty()
                    || cookies.size() > CookieJar.CAPACITY) {
                return Optional.empty();
            }
            return Optional.of(
                    new NtsDump(
                            keHost,
                            kePort,
                            Long.parseLong(ctx[0]),
                            Long.parseLong(ctx[1]),
                            new NtsAssociation.Session(
                                    keys, alt, cookies, ntp[0], Integer.parseInt(ntp[1]))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String keysLine(SessionKeys k) {
        return k.algorithm().id() + " " + HEX.formatHex(k.c2s()) + " " + HEX.formatHex(k.s2c());
    }

    private static SessionKeys parseKeys(String line) {
        String[] w = line.split(" ");
        if (w.length != 3) {
            return null;
        }
        AeadAlgorithm alg = AeadAlgorithm.fromId(Integer.parseInt(w[0]));
        byte[] c2s = HEX.parseHex(w[1]);
        byte[] s2c = HEX.parseHex(w[2]);
        if (alg == null || c2s.length != alg.keyLength() || s2c.length != alg.keyLength()) {
            return null;
        }
        return SessionKeys.of(alg, c2s, s2c);
    }

    @Override
    public String toString() {
        return "NtsDump[" + keHost + ":" + kePort + ", " + session + "]";
    }
}
