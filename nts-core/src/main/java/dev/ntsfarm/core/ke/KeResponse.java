package dev.ntsfarm.core.ke;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A server's NTS-KE response, as records (RFC 8915 section 4). */
public record KeResponse(List<KeRecord> records) {

    public KeResponse {
        records = List.copyOf(records);
    }

    /**
     * The answer to an accepted request: Next Protocol (NTPv4), the chosen AEAD, record 1024 when
     * {@code compliantExport}, the NTPv4 server and port when given, the cookies, End of Message.
     *
     * @param compliantExport whether keys were derived with the compliant exporter context; only
     *     meaningful, and only echoed, for AES-128-GCM-SIV
     * @param cookies 1 to {@link KeLimits#MAX_COOKIES} cookies of 1 to {@link
     *     KeLimits#MAX_COOKIE_LENGTH} bytes (normally eight)
     */
    public static KeResponse accepted(
            AeadAlgorithm aead,
            boolean compliantExport,
            List<byte[]> cookies,
            Optional<String> server,
            OptionalInt port) {
        if (cookies.isEmpty() || cookies.size() > KeLimits.MAX_COOKIES) {
            throw new IllegalArgumentException(
                    cookies.size() + " cookies (expected: 1.." + KeLimits.MAX_COOKIES + ")");
        }
        List<KeRecord> out = new ArrayList<>(cookies.size() + 6);
        out.add(KeRecord.nextProtocolNegotiation(List.of(KeProtocol.NEXT_PROTOCOL_NTPV4)));
        out.add(KeRecord.aeadAlgorithmNegotiation(List.of(aead.id())));
        if (compliantExport && aead == AeadAlgorithm.AES_128_GCM_SIV) {
            out.add(KeRecord.compliant128GcmExport());
        }
        server.ifPresent(
                name -> {
                    if (!KeWire.isServerName(name)) {
                        throw new IllegalArgumentException(
                                "NTP server name '"
                                        + name
                                        + "' (expected: 1.."
                                        + KeLimits.MAX_SERVER_NAME_LENGTH
                                        + " printable ASCII characters)");
                    }
                    out.add(KeRecord.ntpv4ServerNegotiation(true, name));
                });
        port.ifPresent(
                p -> {
                    if (!KeWire.isPort(p)) {
                        throw new IllegalArgumentException(
                                "NTP port " + p + " (expected: 1..65535)");
                    }
                    out.add(KeRecord.ntpv4PortNegotiation(true, p));
                });
        for (byte[] cookie : cookies) {
            if (cookie.length == 0 || cookie.length > KeLimits.MAX_COOKIE_LENGTH) {
                throw new IllegalArgumentException(
                        "cookie of "
                                + cookie.length
                                + " bytes (expected: 1.."
                                + KeLimits.MAX_COOKIE_LENGTH
                                + ")");
            }
            out.add(KeRecord.newCookie(cookie));
        }
        out.add(KeRecord.endOfMessage());
        return new KeResponse(out);
    }

    /** Section 4.1.3: an Error record and End of Message, nothing else. */
    public static KeResponse error(KeErrorCode error) {
        return new KeResponse(List.of(KeRecord.error(error.code()), KeRecord.endOfMessage()));
    }

    /**
     * Section 4.1.2: the client offered no protocol we speak, so the Next Protocol list is empty.
     */
    public static KeResponse noCommonProtocol() {
        return new KeResponse(
                List.of(KeRecord.nextProtocolNegotiation(List.of()), KeRecord.endOfMessage()));
    }

    /** Section 4.1.5: NTPv4 agreed, but none of the client's AEADs, so the AEAD list is empty. */
    public static KeResponse noCommonAead() {
        return new KeResponse(
                List.of(
                        KeRecord.nextProtocolNegotiation(List.of(KeProtocol.NEXT_PROTOCOL_NTPV4)),
                        KeRecord.aeadAlgorithmNegotiation(List.of()),
                        KeRecord.endOfMessage()));
    }

    /** The message bytes. */
    public byte[] encode() {
        return KeMessage.encode(records);
    }
}
