package dev.ntsfarm.core.ke;

import static dev.ntsfarm.core.ke.KeTestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import org.junit.jupiter.api.Test;

class KeClientRequestTest {

    @Test
    void defaultRequestIsTheMinimalOne() {
        assertArrayEquals(
                KeRecordFramerTest.MINIMAL_REQUEST, KeClientRequest.builder().build().encode());
    }

    @Test
    void offeringGcmSivAddsRecord1024AsChrony461Does() {
        byte[] expected = hex("8001 0002 0000  8004 0004 001e 000f  0400 0000  8000 0000");
        byte[] actual =
                KeClientRequest.builder()
                        .aeads(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256)
                        .build()
                        .encode();
        assertArrayEquals(expected, actual);
    }

    @Test
    void record1024CanBeLeftOutToActLikeOlderChrony() {
        byte[] expected = hex("8001 0002 0000  8004 0004 001e 000f  8000 0000");
        byte[] actual =
                KeClientRequest.builder()
                        .compliantGcmSiv(false)
                        .aeads(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256)
                        .build()
                        .encode();
        assertArrayEquals(expected, actual);
    }

    @Test
    void serverAndPortWishesAreNotCritical() {
        byte[] expected =
                hex("8001 0002 0000  8004 0002 0011  0006 0003 3a3a31  0007 0002 1f90  8000 0000");
        byte[] actual =
                KeClientRequest.builder()
                        .aeads(AeadAlgorithm.AES_SIV_CMAC_512)
                        .server("::1")
                        .port(8080)
                        .build()
                        .encode();
        assertArrayEquals(expected, actual);
    }

    @Test
    void badSettingsAreRefusedWhenBuilding() {
        assertThrows(
                IllegalArgumentException.class, () -> KeClientRequest.builder().aeads().build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        KeClientRequest.builder()
                                .aeads(
                                        AeadAlgorithm.AES_SIV_CMAC_256,
                                        AeadAlgorithm.AES_SIV_CMAC_256)
                                .build());
        assertThrows(
                IllegalArgumentException.class, () -> KeClientRequest.builder().server("").build());
        assertThrows(
                IllegalArgumentException.class,
                () -> KeClientRequest.builder().server("tíme").build());
        assertThrows(
                IllegalArgumentException.class,
                () -> KeClientRequest.builder().port(65536).build());
    }
}
