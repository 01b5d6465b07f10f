package dev.ntsfarm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class FarmControlOptionsTest {

    private static Config config(String text) {
        return ((ConfigResult.Parsed) Config.parse("farm.conf", text)).config();
    }

    @Test
    void defaultsAreLoopbackOn9323() throws ConfigException {
        FarmControlOptions o = FarmControlOptions.fromConfig(config(""));
        assertEquals(9323, o.port());
        assertEquals(List.of("127.0.0.1", "::1"), o.addresses());
    }

    @Test
    void cmdportAndBindcmdaddressAsInChronyd() throws ConfigException {
        FarmControlOptions o = FarmControlOptions.fromConfig(config("cmdport 10323\nbindcmdaddress 0.0.0.0\n"));
        assertEquals(10323, o.port());
        assertEquals(List.of("0.0.0.0", "::1"), o.addresses());
    }

    @Test
    void cmdportZeroIsAnEphemeralPort() throws ConfigException {
        assertEquals(0, FarmControlOptions.fromConfig(config("cmdport 0")).port());
    }

    @Test
    void mistakesNameFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> FarmControlOptions.fromConfig(config("# farm\nbindcmdaddress localhost\n")));
        assertEquals("farm.conf:2: bindcmdaddress: expected an IP address, got \"localhost\"", e.getMessage());
        e = assertThrows(ConfigException.class, () -> FarmControlOptions.fromConfig(config("cmdport 70000")));
        assertEquals("farm.conf", e.error().file());
        assertEquals(1, e.error().line());
    }
}
