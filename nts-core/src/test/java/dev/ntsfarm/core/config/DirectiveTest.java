package dev.ntsfarm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectiveTest {

    private static Directive at12(String name, String... args) {
        return new Directive(name, List.of(args), "/etc/ntsfarm.conf", 12);
    }

    private static String failure(org.junit.jupiter.api.function.Executable e) {
        ConfigException ex = assertThrows(ConfigException.class, e);
        assertEquals(ex.error().toString(), ex.getMessage());
        return ex.getMessage();
    }

    @Test
    void integerReaderNamesFileLineDirectiveAndExpectation() throws ConfigException {
        Directive d = at12("ntsrotate", "abc");
        assertEquals(
                "/etc/ntsfarm.conf:12: ntsrotate: expected a number of seconds >= 0, got \"abc\"",
                failure(() -> d.integer(0, "a number of seconds", 0, Integer.MAX_VALUE)));
        assertEquals(
                604800,
                at12("ntsrotate", "604800")
                        .integer(0, "a number of seconds", 0, Integer.MAX_VALUE));
        assertEquals(
                "/etc/ntsfarm.conf:12: ntsrotate: expected a number from 1 to 10, got \"11\"",
                failure(() -> at12("ntsrotate", "11").integer(0, 1, 10)));
        assertEquals(
                "/etc/ntsfarm.conf:12: ntsrotate: expected a number from 1 to 10, got \"99999999999\"",
                failure(() -> at12("ntsrotate", "99999999999").integer(0, 1, 10)));
        assertEquals(
                "/etc/ntsfarm.conf:12: ntsrotate: expected a number of seconds >= 0, got nothing",
                failure(
                        () ->
                                at12("ntsrotate")
                                        .integer(0, "a number of seconds", 0, Integer.MAX_VALUE)));
        assertEquals(-3, at12("x", "-3").integer(0, -5, 5));
    }

    @Test
    void wordAndCountReaders() throws ConfigException {
        assertEquals(
                "/etc/ntsfarm.conf:12: keyfile: expected a file name, got nothing",
                failure(() -> at12("keyfile").word(0, "a file name")));
        assertEquals(
                "/etc/ntsfarm.conf:12: keyfile: expected 1 argument, got 2",
                failure(() -> at12("keyfile", "a", "b").expectArgs(1, 1)));
        assertEquals(
                "/etc/ntsfarm.conf:12: x: expected 1 to 2 arguments, got 0",
                failure(() -> at12("x").expectArgs(1, 2)));
        assertEquals(
                "/etc/ntsfarm.conf:12: x: expected at least 1 arguments, got 0",
                failure(() -> at12("x").expectArgs(1, Integer.MAX_VALUE)));
        assertEquals("/etc/chrony.keys", at12("keyfile", "/etc/chrony.keys").word(0));
    }

    @Test
    void unsignedAndDecimalReaders() throws ConfigException {
        assertEquals(4294967295L, at12("commandkey", "4294967295").unsigned32(0, "a key id"));
        assertEquals(
                "/etc/ntsfarm.conf:12: commandkey: expected a key id (0 to 4294967295), got \"-1\"",
                failure(() -> at12("commandkey", "-1").unsigned32(0, "a key id")));
        assertEquals(0.5, at12("m", "0.5").decimal(0, "a threshold", 0, 10));
        assertEquals(1e-3, at12("m", "1e-3").decimal(0, "a threshold", 0, 10));
        assertEquals(
                "/etc/ntsfarm.conf:12: m: expected a threshold from 0 to 10, got \"NaN\"",
                failure(() -> at12("m", "NaN").decimal(0, "a threshold", 0, 10)));
    }

    @Test
    void optionsAreReadInOrderLikeChronysSourceOptions() throws ConfigException {
        Directive d = at12("server", "host", "IBURST", "port", "123", "port", "124");
        DirectiveOptions o = d.options(1, Set.of("iburst", "nts"), Set.of("port"));
        assertTrue(o.flag("iburst"));
        assertEquals(false, o.flag("nts"));
        assertEquals(124, o.option("port", "a port", 1, 65535, 0), "the last repetition counts");
        assertEquals(
                "/etc/ntsfarm.conf:12: server: expected a value after 'port', got nothing",
                failure(() -> at12("server", "h", "port").options(1, Set.of(), Set.of("port"))));
        assertEquals(
                "/etc/ntsfarm.conf:12: server: expected a port from 1 to 65535 after 'port', got \"x\"",
                failure(
                        () ->
                                at12("server", "h", "port", "x")
                                        .options(1, Set.of(), Set.of("port"))
                                        .option("port", "a port", 1, 65535, 0)));
    }
}
