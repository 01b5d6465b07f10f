package dev.ntsfarm.app.bench;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.List;

/**
 * What one NTS-KE gives a client: the AEAD, both keys and the cookies, and where to send NTP.
 * toString shows no key and no cookie.
 */
public record NtsSession(
        AeadAlgorithm aead,
        byte[] c2s,
        byte[] s2c,
        List<byte[]> cookies,
        String ntpHost,
        int ntpPort) {

    public NtsSession {
        if (cookies.isEmpty()) {
            throw new IllegalArgumentException("an NTS session needs at least one cookie");
        }
        c2s = c2s.clone();
        s2c = s2c.clone();
        cookies = cookies.stream().map(byte[]::clone).toList();
    }

    @Override
    public String toString() {
        return "NtsSession[aead="
                + aead
                + ", cookies="
                + cookies.size()
                + ", ntp="
                + ntpHost
                + ":"
                + ntpPort
                + "]";
    }
}
