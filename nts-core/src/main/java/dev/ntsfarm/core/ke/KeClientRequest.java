package dev.ntsfarm.core.ke;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A client's NTS-KE request (RFC 8915 section 4): NTPv4 as the one Next Protocol, the AEADs in
 * preference order, optionally a wished-for NTPv4 server and port, and record 1024.
 *
 * @param aeads AEADs in decreasing preference, at least one, no repeats
 * @param compliantGcmSiv send record 1024 (only sent when AES-128-GCM-SIV is offered), as chrony
 *     4.6.1 does: the client will use the compliant exporter context if the server echoes it
 */
public record KeClientRequest(
        List<AeadAlgorithm> aeads,
        Optional<String> server,
        OptionalInt port,
        boolean compliantGcmSiv) {

    public KeClientRequest {
        aeads = List.copyOf(aeads);
        if (aeads.isEmpty() || aeads.stream().distinct().count() != aeads.size()) {
            throw new IllegalArgumentException(
                    "AEADs " + aeads + " (expected: at least one, no repeats)");
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
                });
        port.ifPresent(
                p -> {
                    if (!KeWire.isPort(p)) {
                        throw new IllegalArgumentException(
                                "NTP port " + p + " (expected: 1..65535)");
                    }
                });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether record 1024 goes on the wire. */
    public boolean sendsCompliantGcmSiv() {
        return compliantGcmSiv && aeads.contains(AeadAlgorithm.AES_128_GCM_SIV);
    }

    /** The records, End of Message last. */
    public List<KeRecord> records() {
        List<KeRecord> out = new ArrayList<>(6);
        out.add(KeRecord.nextProtocolNegotiation(List.of(KeProtocol.NEXT_PROTOCOL_NTPV4)));
        out.add(KeRecord.aeadAlgorithmNegotiation(aeads.stream().map(AeadAlgorithm::id).toList()));
        if (sendsCompliantGcmSiv()) {
            out.add(KeRecord.compliant128GcmExport());
        }
        // Sections 4.1.7 and 4.1.8: a client's wish, not critical, so a server may ignore it.
        server.ifPresent(name -> out.add(KeRecord.ntpv4ServerNegotiation(false, name)));
        port.ifPresent(p -> out.add(KeRecord.ntpv4PortNegotiation(false, p)));
        out.add(KeRecord.endOfMessage());
        return List.copyOf(out);
    }

    /** The message bytes. */
    public byte[] encode() {
        return KeMessage.encode(records());
    }

    /**
     * Builds a request; by default it offers AES-SIV-CMAC-256 only, the algorithm every server has.
     */
    public static final class Builder {
        private List<AeadAlgorithm> aeads = List.of(AeadAlgorithm.AES_SIV_CMAC_256);
        private String server;
        private int port = -1;
        private boolean compliantGcmSiv = true;

        private Builder() {}

        public Builder aeads(List<AeadAlgorithm> aeads) {
            this.aeads = List.copyOf(aeads);
            return this;
        }

        public Builder aeads(AeadAlgorithm... aeads) {
            return aeads(List.of(aeads));
        }

        public Builder server(String server) {
            this.server = server;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder compliantGcmSiv(boolean compliantGcmSiv) {
            this.compliantGcmSiv = compliantGcmSiv;
            return this;
        }

        public KeClientRequest build() {
            return new KeClientRequest(
                    aeads,
                    Optional.ofNullable(server),
                    port < 0 ? OptionalInt.empty() : OptionalInt.of(port),
                    compliantGcmSiv);
        }
    }
}
