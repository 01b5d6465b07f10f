package dev.ntsfarm.core.golden;

import java.util.HexFormat;
import java.util.List;

/**
 * chronyd 4.3's client NTS dump ({@code ntsdumpdir/ADDRESS.nts}, written by {@code save_cookies} in
 * {@code nts_ntp_client.c}): identifier {@code NNC0}, source name, NTS-KE time, NTP address and port,
 * then {@code context-id aead S2C C2S} (S2C first), then one cookie a line.
 */
record ChronydClientDump(String name, String ntpAddress, int ntpPort, int contextId, int aeadId,
                         byte[] s2c, byte[] c2s, List<byte[]> cookies) {

    static final String IDENTIFIER = "NNC0";

    static ChronydClientDump parse(List<String> lines) {
        if (lines.size() < 5 || !lines.get(0).equals(IDENTIFIER)) {
            throw new IllegalArgumentException("not a chronyd client dump (expected: " + IDENTIFIER + " first)");
        }
        String[] address = lines.get(3).split(" ");
        String[] context = lines.get(4).split(" ");
        HexFormat hex = HexFormat.of();
        return new ChronydClientDump(lines.get(1), address[0], Integer.parseInt(address[1]),
                Integer.parseInt(context[0]), Integer.parseInt(context[1]),
                hex.parseHex(context[2]), hex.parseHex(context[3]),
                lines.subList(5, lines.size()).stream().map(hex::parseHex).toList());
    }

    @Override
    public String toString() {
        return "ChronydClientDump[" + name + ", " + ntpAddress + ":" + ntpPort + ", context " + contextId
                + ", AEAD " + aeadId + ", " + cookies.size() + " cookies]";
    }
}
