package dev.ntsfarm.agent.nts;

import dev.ntsfarm.core.cookie.SessionKeys;
import java.util.List;

/**
 * What one successful NTS-KE session gave: the keys, the cookies and where to send NTP.
 *
 * @param keys          the C2S and S2C keys under the negotiated AEAD
 * @param alternateKeys keys exported with the compliant GCM-SIV context, to try after a NAK when the
 *                      server did not say which context it uses; {@code null} otherwise
 * @param cookies       the cookies, in order
 * @param ntpServer     the NTP server named by Server Negotiation, or the NTS-KE host
 * @param ntpPort       the NTP port named by Port Negotiation, or the configured one
 */
public record NtsKeResult(SessionKeys keys, SessionKeys alternateKeys, List<byte[]> cookies, String ntpServer,
                          int ntpPort) {

    public NtsKeResult {
        cookies = cookies.stream().map(byte[]::clone).toList();
    }

    /** Ids, counts and lengths only: keys and cookies never reach a log. */
    @Override
    public String toString() {
        return "NtsKeResult[aead=" + keys.algorithm() + ", cookies=" + cookies.size() + ", ntp=" + ntpServer
                + ":" + ntpPort + "]";
    }
}
