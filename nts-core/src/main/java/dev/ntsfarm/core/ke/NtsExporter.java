package dev.ntsfarm.core.ke;

import dev.ntsfarm.core.aead.AeadAlgorithm;

/**
 * Inputs to the TLS exporter (RFC 5705) that yield the NTS keys (RFC 8915 sections 4.3 and 5.1):
 * export {@code aead.keyLength()} bytes with {@link #LABEL} and {@link #context}, once per
 * direction.
 */
public final class NtsExporter {

    /** Section 4.3. */
    public static final String LABEL = "EXPORTER-network-time-security";

    /** Context bytes: Next Protocol id (u16), AEAD id (u16), direction (u8) (section 5.1). */
    public static final int CONTEXT_LENGTH = 5;

    /** Direction byte of the client-to-server key. */
    public static final int C2S = 0x00;

    /** Direction byte of the server-to-client key. */
    public static final int S2C = 0x01;

    private NtsExporter() {}

    /**
     * The exporter context {@code 00 00 | AEAD id | 00 or 01} for NTPv4.
     *
     * <p>For AES-128-GCM-SIV the id written is 15 unless record 1024 was exchanged: chrony up to
     * 4.6.0 derives its GCM-SIV keys that way, and 4.6.1 keeps doing so with peers that do not send
     * or echo record 1024. The key length stays that of {@code negotiated}.
     *
     * @param compliantGcmSiv on a server: the client sent record 1024 and the server echoes it; on
     *     a client: the server echoed it
     */
    public static byte[] context(AeadAlgorithm negotiated, boolean s2c, boolean compliantGcmSiv) {
        int id = exporterAeadId(negotiated, compliantGcmSiv);
        return new byte[] {
            (byte) (KeProtocol.NEXT_PROTOCOL_NTPV4 >>> 8), (byte) KeProtocol.NEXT_PROTOCOL_NTPV4,
            (byte) (id >>> 8), (byte) id,
            (byte) (s2c ? S2C : C2S)
        };
    }

    /** The AEAD id that goes into the context (see {@link #context}). */
    public static int exporterAeadId(AeadAlgorithm negotiated, boolean compliantGcmSiv) {
        return negotiated == AeadAlgorithm.AES_128_GCM_SIV && !compliantGcmSiv
                ? AeadAlgorithm.AES_SIV_CMAC_256.id()
                : negotiated.id();
    }

    /**
     * Whether a client should also derive the compliant keys: the server did not echo record 1024
     * for AES-128-GCM-SIV, yet may be a compliant implementation that does not know it; chrony
     * keeps both and falls back when the first key earns an NTS NAK.
     */
    public static boolean clientNeedsAlternateKeys(
            AeadAlgorithm negotiated, boolean compliantGcmSiv) {
        return negotiated == AeadAlgorithm.AES_128_GCM_SIV && !compliantGcmSiv;
    }
}
