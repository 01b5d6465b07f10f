package dev.ntsfarm.ke.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.config.RateLimit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The NTS-KE directives, chrony's defaults, and file:line errors. */
class NtsKeOptionsTest {

    private static Config parse(String text) {
        return ((ConfigResult.Parsed) Config.parse("ke.conf", text)).config();
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> NtsKeOptions.fromConfig(parse(text)))
                .getMessage();
    }

    @Test
    void chronysDefaults() throws Exception {
        NtsKeOptions o = NtsKeOptions.fromConfig(parse("# nothing\n"));
        assertEquals(4460, o.port());
        assertEquals(List.of(), o.bindAddresses());
        assertEquals(
                List.of(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256), o.aeads());
        assertEquals(100, o.maxConnections());
        assertEquals(Optional.empty(), o.rateLimit());
        assertEquals(Duration.ofSeconds(2), o.sessionTimeout());
        assertEquals(16384, o.maxMessageLength());
        assertEquals(Runtime.getRuntime().availableProcessors(), o.instances());
    }

    @Test
    void everyDirective() throws Exception {
        NtsKeOptions o =
                NtsKeOptions.fromConfig(
                        parse(
                                """
                ntsport 14460
                bindaddress 127.0.0.1
                bindaddress ::1
                ntsserverkey /etc/a.key
                ntsservercert /etc/a.crt
                ntsserverkey /etc/b.key
                ntsservercert /etc/b.crt
                ntsaeads 17 15 30
                ntsntpserver ntp.example.net
                ntsntpport 11123
                maxntsconnections 7
                ntsratelimit interval 4 burst 5
                """));
        assertEquals(14460, o.port());
        assertEquals(List.of("127.0.0.1", "::1"), o.bindAddresses());
        assertEquals(
                List.of(
                        new NtsKeOptions.KeyCertPair(Path.of("/etc/a.key"), Path.of("/etc/a.crt")),
                        new NtsKeOptions.KeyCertPair(Path.of("/etc/b.key"), Path.of("/etc/b.crt"))),
                o.keyCertPairs());
        assertEquals(
                List.of(
                        AeadAlgorithm.AES_SIV_CMAC_512,
                        AeadAlgorithm.AES_SIV_CMAC_256,
                        AeadAlgorithm.AES_128_GCM_SIV),
                o.aeads());
        assertEquals(Optional.of("ntp.example.net"), o.ntpServer());
        assertEquals(OptionalInt.of(11123), o.ntpPort());
        assertEquals(7, o.maxConnections());
        assertEquals(Optional.of(new RateLimit(4, 5, 2)), o.rateLimit());
    }

    @Test
    void mistakesNameFileLineAndWhatWasExpected() {
        assertEquals(
                "ke.conf:2: ntsaeads: expected an AEAD id (15, 16, 17 or 30), got \"18\"",
                error("ntsport 1\nntsaeads 15 18\n"));
        assertEquals(
                "ke.conf:1: ntsport: expected a port number from 0 to 65535, got \"70000\"",
                error("ntsport 70000\n"));
        assertEquals(
                "ke.conf:3: ntsserverkey: expected as many ntsserverkey as ntsservercert directives, "
                        + "paired in order (got 2 keys and 1 certificates)",
                error("ntsserverkey a\nntsservercert b\nntsserverkey c\n"));
        assertEquals(
                "ke.conf:1: bindaddress: expected an IPv4 or IPv6 address, got \"localhost\"",
                error("bindaddress localhost\n"));
        assertEquals(
                "ke.conf:1: ntsntpport: expected a port number from 1 to 65535, got \"0\"",
                error("ntsntpport 0\n"));
        assertEquals(
                "ke.conf:1: maxntsconnections: expected a number of connections >= 1, got \"0\"",
                error("maxntsconnections 0\n"));
    }
}
