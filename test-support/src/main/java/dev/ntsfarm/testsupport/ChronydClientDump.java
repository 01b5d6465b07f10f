package dev.ntsfarm.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * chronyd 4.3's client NTS dump ({@code ntsdumpdir/ADDRESS.nts}, written by {@code save_cookies} in
 * {@code nts_ntp_client.c}): identifier {@code NNC0}, source name, NTS-KE time, NTP address and
 * port, then {@code context-id aead S2C C2S} (S2C first), then one cookie a line, all in hex.
 *
 * @param name the source's name
 * @param ntpAddress the NTP server's address that NTS-KE gave
 * @param ntpPort its port
 * @param contextId chronyd's key-establishment context number (authdata's KeyID)
 * @param aeadId the negotiated AEAD (authdata's Type)
 * @param s2c the server-to-client key
 * @param c2s the client-to-server key
 * @param cookies the cookies chronyd holds
 */
public record ChronydClientDump(
        String name,
        String ntpAddress,
        int ntpPort,
        int contextId,
        int aeadId,
        byte[] s2c,
        byte[] c2s,
        List<byte[]> cookies) {

    public static final String IDENTIFIER = "NNC0";

    /** The file name suffix chronyd gives its client dumps. */
    public static final String SUFFIX = ".nts";

    /** Parses a dump's lines. */
    public static ChronydClientDump parse(List<String> lines) {
        if (lines.size() < 5 || !lines.get(0).equals(IDENTIFIER)) {
            throw new IllegalArgumentException(
                    "not a chronyd client dump (expected: " + IDENTIFIER + " first)");
        }
        String[] address = lines.get(3).split(" ");
        String[] context = lines.get(4).split(" ");
        HexFormat hex = HexFormat.of();
        return new ChronydClientDump(
                lines.get(1),
                address[0],
                Integer.parseInt(address[1]),
                Integer.parseInt(context[0]),
                Integer.parseInt(context[1]),
                hex.parseHex(context[2]),
                hex.parseHex(context[3]),
                lines.subList(5, lines.size()).stream()
                        .filter(l -> !l.isBlank())
                        .map(hex::parseHex)
                        .toList());
    }

    /**
     * Reads the one client dump chronyd wrote in {@code ntsdumpdir}; fails when there is none or
     * several.
     */
    public static ChronydClientDump readOnly(Path ntsdumpdir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(ntsdumpdir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
        }
        if (files.size() != 1) {
            throw new IOException(
                    "expected one chronyd client dump in " + ntsdumpdir + ", found " + files);
        }
        return parse(Files.readAllLines(files.getFirst()));
    }

    @Override
    public String toString() {
        return "ChronydClientDump["
                + name
                + ", "
                + ntpAddress
                + ":"
                + ntpPort
                + ", context "
                + contextId
                + ", AEAD "
                + aeadId
                + ", "
                + cookies.size()
                + " cookies]";
    }
}
