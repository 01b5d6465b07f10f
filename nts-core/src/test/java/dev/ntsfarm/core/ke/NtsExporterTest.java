package dev.ntsfarm.core.ke;

import static dev.ntsfarm.core.ke.KeTestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import org.junit.jupiter.api.Test;

class NtsExporterTest {

    @Test
    void labelAndAlpnAreRfc8915s() {
        assertEquals("EXPORTER-network-time-security", NtsExporter.LABEL);
        assertEquals("ntske/1", KeProtocol.ALPN);
        assertEquals(4460, KeProtocol.DEFAULT_PORT);
    }

    @Test
    void contextIsProtocolAeadAndDirection() {
        // RFC 8915 section 5.1: 00 00 | AEAD id | 00 for C2S, 01 for S2C.
        assertArrayEquals(
                hex("0000 000f 00"),
                NtsExporter.context(AeadAlgorithm.AES_SIV_CMAC_256, false, false));
        assertArrayEquals(
                hex("0000 000f 01"),
                NtsExporter.context(AeadAlgorithm.AES_SIV_CMAC_256, true, false));
        assertArrayEquals(
                hex("0000 0010 00"),
                NtsExporter.context(AeadAlgorithm.AES_SIV_CMAC_384, false, true));
        assertArrayEquals(
                hex("0000 0011 01"),
                NtsExporter.context(AeadAlgorithm.AES_SIV_CMAC_512, true, false));
    }

    @Test
    void gcmSivUsesId15UnlessRecord1024WasExchanged() {
        assertArrayEquals(
                hex("0000 001e 00"),
                NtsExporter.context(AeadAlgorithm.AES_128_GCM_SIV, false, true));
        assertArrayEquals(
                hex("0000 001e 01"),
                NtsExporter.context(AeadAlgorithm.AES_128_GCM_SIV, true, true));
        assertArrayEquals(
                hex("0000 000f 00"),
                NtsExporter.context(AeadAlgorithm.AES_128_GCM_SIV, false, false));
        assertArrayEquals(
                hex("0000 000f 01"),
                NtsExporter.context(AeadAlgorithm.AES_128_GCM_SIV, true, false));
        assertTrue(NtsExporter.clientNeedsAlternateKeys(AeadAlgorithm.AES_128_GCM_SIV, false));
        assertFalse(NtsExporter.clientNeedsAlternateKeys(AeadAlgorithm.AES_128_GCM_SIV, true));
        assertFalse(NtsExporter.clientNeedsAlternateKeys(AeadAlgorithm.AES_SIV_CMAC_256, false));
    }
}
