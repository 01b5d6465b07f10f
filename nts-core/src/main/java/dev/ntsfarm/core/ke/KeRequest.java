package dev.ntsfarm.core.ke;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Server side, second step of reading a request: judge framed records against RFC 8915 section 4.
 * Records are read in order and the first broken rule decides the error, as chrony does.
 */
public final class KeRequest {

    private KeRequest() {}

    /**
     * Validates the records of one request, End of Message last. Never throws on any record list.
     */
    public static KeRequestVerdict validate(List<KeRecord> records) {
        List<Integer> protocols = null;
        List<Integer> aeads = null;
        String server = null;
        int port = -1;
        boolean compliant = false;
        boolean endOfMessage = false;

        for (int i = 0; i < records.size(); i++) {
            KeRecord r = records.get(i);
            KeRecordType type = r.knownType();
            if (type == null) {
                if (r.critical()) {
                    // Section 4: an unrecognized critical record gets Error 0.
                    return new KeRequestVerdict.Rejected(
                            KeErrorCode.UNRECOGNIZED_CRITICAL_RECORD,
                            "unrecognized critical record type " + r.type());
                }
                continue;
            }
            switch (type) {
                case END_OF_MESSAGE -> {
                    if (i != records.size() - 1) {
                        return bad("End of Message is not the last record");
                    }
                    if (!r.critical() || r.bodyLength() != 0) {
                        return bad(
                                "End of Message must be critical with an empty body (section 4.1.1)");
                    }
                    endOfMessage = true;
                }
                case NEXT_PROTOCOL_NEGOTIATION -> {
                    if (protocols != null) {
                        return bad("more than one Next Protocol Negotiation record");
                    }
                    if (!r.critical()) {
                        return bad("Next Protocol Negotiation must be critical (section 4.1.2)");
                    }
                    protocols = r.bodyU16List();
                    if (protocols == null || protocols.isEmpty()) {
                        return bad(
                                "Next Protocol Negotiation must list at least one u16 protocol id");
                    }
                }
                case AEAD_ALGORITHM_NEGOTIATION -> {
                    if (aeads != null) {
                        return bad("more than one AEAD Algorithm Negotiation record");
                    }
                    aeads = r.bodyU16List();
                    if (aeads == null || aeads.isEmpty()) {
                        return bad(
                                "AEAD Algorithm Negotiation must list at least one u16 algorithm id");
                    }
                }
                case ERROR, WARNING, NEW_COOKIE_FOR_NTPV4 -> {
                    // Sections 4.1.3, 4.1.4, 4.1.6: only servers send these.
                    return bad("a client must not send " + type);
                }
                case NTPV4_SERVER_NEGOTIATION -> {
                    if (server != null) {
                        return bad("more than one NTPv4 Server Negotiation record");
                    }
                    server = r.bodyServerName();
                    if (server == null) {
                        return bad("NTPv4 Server Negotiation body is not a printable ASCII name");
                    }
                }
                case NTPV4_PORT_NEGOTIATION -> {
                    if (port >= 0) {
                        return bad("more than one NTPv4 Port Negotiation record");
                    }
                    if (r.bodyLength() != 2 || !KeWire.isPort(r.bodyU16(0))) {
                        return bad("NTPv4 Port Negotiation body is not one non-zero u16");
                    }
                    port = r.bodyU16(0);
                }
                case COMPLIANT_128GCM_EXPORT -> {
                    if (compliant) {
                        return bad("more than one compliant AES-128-GCM-SIV export record");
                    }
                    if (r.bodyLength() != 0) {
                        return bad("compliant AES-128-GCM-SIV export record must be empty");
                    }
                    compliant = true;
                }
            }
        }

        if (!endOfMessage) {
            return bad("no End of Message record");
        }
        if (protocols == null) {
            return bad("no Next Protocol Negotiation record (section 4.1.2)");
        }
        if (!protocols.contains(KeProtocol.NEXT_PROTOCOL_NTPV4)) {
            return new KeRequestVerdict.NoCommonProtocol(protocols);
        }
        if (aeads == null) {
            // Section 4.1.5: required exactly once when NTPv4 is offered.
            return bad("NTPv4 offered without an AEAD Algorithm Negotiation record");
        }
        return new KeRequestVerdict.Accepted(
                protocols,
                aeads,
                Optional.ofNullable(server),
                port < 0 ? OptionalInt.empty() : OptionalInt.of(port),
                compliant);
    }

    private static KeRequestVerdict.Rejected bad(String reason) {
        return new KeRequestVerdict.Rejected(KeErrorCode.BAD_REQUEST, reason);
    }
}
