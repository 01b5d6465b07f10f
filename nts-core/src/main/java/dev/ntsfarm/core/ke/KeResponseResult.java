package dev.ntsfarm.core.ke;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** What a client makes of a server's NTS-KE response ({@link KeResponseParser#parse}). */
public sealed interface KeResponseResult {

    /**
     * NTPv4 agreed with keys to export and cookies to use.
     *
     * @param aead the AEAD the server chose, one we offered
     * @param cookies 1 to {@link KeLimits#MAX_COOKIES} cookies, in the order received
     * @param server the NTPv4 server to use instead of the NTS-KE host, if named
     * @param port the NTPv4 port to use instead of 123, if named
     * @param compliantGcmSiv the server echoed record 1024 (see {@link NtsExporter#context})
     */
    record Accepted(
            AeadAlgorithm aead,
            List<byte[]> cookies,
            Optional<String> server,
            OptionalInt port,
            boolean compliantGcmSiv)
            implements KeResponseResult {
        public Accepted {
            cookies = cookies.stream().map(byte[]::clone).toList();
        }

        /** Copies of the cookies. */
        @Override
        public List<byte[]> cookies() {
            return cookies.stream().map(byte[]::clone).toList();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Accepted a)
                    || a.aead != aead
                    || a.compliantGcmSiv != compliantGcmSiv
                    || !a.server.equals(server)
                    || !a.port.equals(port)
                    || a.cookies.size() != cookies.size()) {
                return false;
            }
            for (int i = 0; i < cookies.size(); i++) {
                if (!Arrays.equals(a.cookies.get(i), cookies.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = aead.hashCode() * 31 + server.hashCode();
            h = h * 31 + port.hashCode();
            for (byte[] c : cookies) {
                h = h * 31 + Arrays.hashCode(c);
            }
            return h * 2 + (compliantGcmSiv ? 1 : 0);
        }

        /** Cookie lengths only: a cookie wraps the session keys. */
        @Override
        public String toString() {
            return "Accepted[aead="
                    + aead
                    + ", cookies="
                    + cookies.size()
                    + "x"
                    + cookies.stream().map(c -> c.length).distinct().toList()
                    + " bytes, server="
                    + server
                    + ", port="
                    + port
                    + ", compliantGcmSiv="
                    + compliantGcmSiv
                    + "]";
        }
    }

    /** The server sent an Error record (section 4.1.3): discard the TLS keys, do not go on. */
    record ServerError(int code) implements KeResponseResult {
        /** The code as RFC 8915 names it, or {@code null} for a code it does not define. */
        public KeErrorCode knownError() {
            return KeErrorCode.fromCode(code);
        }
    }

    /**
     * The server sent a Warning record (section 4.1.4); no codes are defined, so treat it as an
     * error.
     */
    record Warning(int code) implements KeResponseResult {}

    /**
     * Well formed, but the server speaks none of the protocols or AEADs we offered (4.1.2, 4.1.5).
     */
    record NoAgreement(String reason) implements KeResponseResult {}

    /** The response breaks RFC 8915 section 4 or claims something we did not offer. */
    record Malformed(String reason) implements KeResponseResult {}
}
