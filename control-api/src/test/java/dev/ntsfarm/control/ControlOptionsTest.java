package dev.ntsfarm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControlOptionsTest {

    private static Config config(String text) {
        return ((ConfigResult.Parsed) Config.parse("farm.conf", text)).config();
    }

    @Test
    void defaultsAreLoopbackOn9323() throws ConfigException {
        ControlOptions o = ControlOptions.fromConfig(config(""), 9323);
        assertEquals(9323, o.port());
        assertEquals(List.of("127.0.0.1", "::1"), o.addresses());
    }

    @Test
    void cmdportAndBindcmdaddressAsInChronyd() throws ConfigException {
        ControlOptions o =
                ControlOptions.fromConfig(config("cmdport 10323\nbindcmdaddress 0.0.0.0\n"), 9323);
        assertEquals(10323, o.port());
        assertEquals(List.of("0.0.0.0", "::1"), o.addresses());
    }

    @Test
    void cmdportZeroIsAnEphemeralPort() throws ConfigException {
        assertEquals(0, ControlOptions.fromConfig(config("cmdport 0"), 9323).port());
    }

    @Test
    void mistakesNameFileAndLine() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                ControlOptions.fromConfig(
                                        config("# farm\nbindcmdaddress localhost\n"), 9323));
        assertEquals(
                "farm.conf:2: bindcmdaddress: expected an IP address (host names are not resolved) or a Unix socket path, got \"localhost\"",
                e.getMessage());
        e =
                assertThrows(
                        ConfigException.class,
                        () -> ControlOptions.fromConfig(config("cmdport 70000"), 9323));
        assertEquals("farm.conf", e.error().file());
        assertEquals(1, e.error().line());
    }

    @Test
    void withoutKeyfileTheCommandKeyIsInTheStateDirectory() throws ConfigException {
        // var/ here, as up keeps its state; ntsdumpdir when configured; /var/lib/ntsfarm for a
        // service run from /
        assertEquals(
                Optional.of(Path.of("var", "ntsfarm.keys")),
                ControlOptions.fromConfig(config(""), 323).keyFile());
        assertEquals(
                Optional.of(Path.of("/srv/agent/ntsfarm.keys")),
                ControlOptions.fromConfig(config("ntsdumpdir /srv/agent\n"), 323).keyFile());
        assertEquals(
                Path.of("/var/lib/ntsfarm/ntsfarm.keys"),
                ControlOptions.defaultKeyFile(config(""), Path.of("/")));
        assertEquals(
                Path.of("/ntsdump/ntsfarm.keys"),
                ControlOptions.defaultKeyFile(config("ntsdumpdir ntsdump"), Path.of("/")));
        assertEquals(
                Path.of("/home/op/var/ntsfarm.keys"),
                ControlOptions.defaultKeyFile(config(""), Path.of("/home/op")));
        assertEquals(
                Optional.of(Path.of("/etc/ntsfarm/agent.keys")),
                ControlOptions.fromConfig(
                                config("ntsdumpdir /srv/agent\nkeyfile /etc/ntsfarm/agent.keys\n"),
                                323)
                        .keyFile(),
                "keyfile names the file");
    }

    @Test
    void socketPathAccessRulesAndCommandKey() throws ConfigException {
        ControlOptions o =
                ControlOptions.fromConfig(
                        config(
                                "bindcmdaddress /run/ntsfarm/ntsfarm.sock\n"
                                        + "cmdallow 192.0.2.0/24\ncmddeny 192.0.2.7\nkeyfile /etc/ntsfarm/keys\ncommandkey 7\n"),
                        323);
        assertEquals(323, o.port());
        assertEquals(
                List.of("127.0.0.1", "::1"),
                o.addresses(),
                "a socket path keeps the loopback addresses");
        assertEquals(
                java.util.Optional.of(java.nio.file.Path.of("/run/ntsfarm/ntsfarm.sock")),
                o.socket());
        assertEquals(2, o.access().size());
        assertEquals("deny 192.0.2.7/32", o.access().get(1).toLine());
        assertEquals(7, o.commandKey());
        assertEquals(
                java.util.Optional.of(java.nio.file.Path.of("/etc/ntsfarm/keys")), o.keyFile());
        assertEquals(
                ControlOptions.DEFAULT_COMMAND_KEY,
                ControlOptions.fromConfig(config(""), 323).commandKey());
    }
}
