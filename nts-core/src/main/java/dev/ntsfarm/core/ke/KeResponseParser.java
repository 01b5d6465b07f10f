package dev.ntsfarm.core.ke;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Client side, second step of reading a response: judge framed records against RFC 8915 section 4
 * and what we asked for. An Error record wins over everything else, then a Warning.
 */
public final class KeResponseParser {

    private KeResponseParser() {}

    /** Parses the response to {@code request}. */
    public static KeResponseResult parse(List<KeRecord> records, KeClientRequest request) {
        return parse(records, request.aeads());
    }

    /** Parses the records of one response, End of Message last. Never throws on any record list. */
    public static KeResponseResult parse(List<KeRecord> records, List<AeadAlgorithm> offered) {
        for (KeRecord r : records) {
            if (r.type() == KeRecordType.ERROR.code()) {
                return r.bodyLength() == 2
                        ? new KeResponseResult.ServerError(r.bodyU16(0))
                        : malformed(
                                "Error record body of " + r.bodyLength() + " bytes (expected: 2)");
            }
        }
        for (KeRecord r : records) {
            if (r.type() == KeRecordType.WARNING.code()) {
                return r.bodyLength() == 2
                        ? new KeResponseResult.Warning(r.bodyU16(0))
                        : malformed(
                                "Warning record body of "
                                        + r.bodyLength()
                                        + " bytes (expected: 2)");
            }
        }

        List<Integer> protocols = null;
        boolean aeadSeen = false;
        AeadAlgorithm aead = null;
        List<byte[]> cookies = new ArrayList<>(KeLimits.MAX_COOKIES);
        String server = null;
        int port = -1;
        boolean compliant = false;
        boolean endOfMessage = false;

        for (int i = 0; i < records.size(); i++) {
            KeRecord r = records.get(i);
            KeRecordType type = r.knownType();
            if (type == null) {
                if (r.critical()) {
                    return malformed("unrecognized critical record type " + r.type());
                }
                continue;
            }
            switch (type) {
                case END_OF_MESSAGE -> {
                    if (i != records.size() - 1) {
                        return malformed("End of Message is not the last record");
                    }
                    if (!r.critical() || r.bodyLength() != 0) {
                        return malformed(
                                "End of Message must be critical with an empty body (section 4.1.1)");
                    }
                    endOfMessage = true;
                }
                case NEXT_PROTOCOL_NEGOTIATION -> {
                    if (protocols != null) {
                        return malformed("more than one Next Protocol Negotiation record");
                    }
                    if (!r.critical()) {
                        return malformed(
                                "Next Protocol Negotiation must be critical (section 4.1.2)");
                    }
                    protocols = r.bodyU16List();
                    if (protocols == null) {
                        return malformed("Next Protocol Negotiation body of odd length");
                    }
                    // Section 4.1.2: a subset of what we offered, and we offered NTPv4 alone.
                    for (int p : protocols) {
                        if (p != KeProtocol.NEXT_PROTOCOL_NTPV4) {
                            return malformed(
                                    "server chose protocol " + p + ", which we did not offer");
                        }
                    }
                    if (protocols.size() > 1) {
                        return malformed("server listed NTPv4 " + protocols.size() + " times");
                    }
                }
                case AEAD_ALGORITHM_NEGOTIATION -> {
                    if (aeadSeen) {
                        return malformed("more than one AEAD Algorithm Negotiation record");
                    }
                    aeadSeen = true;
                    if (r.bodyLength() == 2) {
                        aead = AeadAlgorithm.fromId(r.bodyU16(0));
                        if (aead == null || !offered.contains(aead)) {
                            return malformed(
                                    "server chose AEAD "
                                            + r.bodyU16(0)
                                            + ", which we did not offer");
                        }
                    } else if (r.bodyLength() != 0) {
                        // Section 4.1.5: a response names at most one algorithm.
                        return malformed(
                                "AEAD Algorithm Negotiation body of "
                                        + r.bodyLength()
                                        + " bytes (expected: 0 or 2)");
                    }
                }
                case NEW_COOKIE_FOR_NTPV4 -> {
                    // Like chrony: skip a cookie we could not send, and keep the first eight.
                    if (r.bodyLength() > 0
                            && r.bodyLength() <= KeLimits.MAX_COOKIE_LENGTH
                            && cookies.size() < KeLimits.MAX_COOKIES) {
                        cookies.add(r.body());
                    }
                }
                case NTPV4_SERVER_NEGOTIATION -> {
                    if (server != null) {
                        return malformed("more than one NTPv4 Server Negotiation record");
                    }
                    server = r.bodyServerName();
                    if (server == null) {
                        return malformed(
                                "NTPv4 Server Negotiation body is not a printable ASCII name");
                    }
                }
                case NTPV4_PORT_NEGOTIATION -> {
                    if (port >= 0) {
                        return malformed("more than one NTPv4 Port Negotiation record");
                    }
                    if (r.bodyLength() != 2 || !KeWire.isPort(r.bodyU16(0))) {
                        return malformed("NTPv4 Port Negotiation body is not one non-zero u16");
                    }
                    port = r.bodyU16(0);
                }
                case COMPLIANT_128GCM_EXPORT -> {
                    if (r.bodyLength() != 0) {
                        return malformed("compliant AES-128-GCM-SIV export record must be empty");
                    }
                    compliant = true;
                }
                case ERROR, WARNING -> throw new AssertionError("handled above");
            }
        }

        if (!endOfMessage) {
            return malformed("no End of Message record");
        }
        if (protocols == null) {
            return malformed("no Next Protocol Negotiation record (section 4.1.2)");
        }
        if (protocols.isEmpty()) {
            return new KeResponseResult.NoAgreement("server speaks none of the offered protocols");
        }
        if (!aeadSeen) {
            return malformed(
                    "NTPv4 agreed without an AEAD Algorithm Negotiation record (section 4.1.5)");
        }
        if (aead == null) {
            return new KeResponseResult.NoAgreement("server supports none of the offered AEADs");
        }
        if (cookies.isEmpty()) {
            return malformed("no usable New Cookie for NTPv4 record");
        }
        return new KeResponseResult.Accepted(
                aead,
                cookies,
                Optional.ofNullable(server),
                port < 0 ? OptionalInt.empty() : OptionalInt.of(port),
                compliant);
    }

    private static KeResponseResult.Malformed malformed(String reason) {
        return new KeResponseResult.Malformed(reason);
    }
}
