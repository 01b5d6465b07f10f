package dev.ntsfarm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's directives: chrony's defaults, and mistakes named with their place. */
class AgentConfigTest {

    private static AgentConfig of(String... lines) throws ConfigException {
        ConfigResult r = Config.parse("agent.conf", String.join("\n", lines));
        return AgentConfig.from(((ConfigResult.Parsed) r).config());
    }

    @Test
    void defaultsAreChronys() throws Exception {
        AgentConfig c = of("server time.example.com iburst nts");
        assertTrue(c.systemCerts());
        assertTrue(c.usesNts());
        assertEquals(AeadAlgorithm.AES_SIV_CMAC_256, c.aeads().getFirst());
        assertEquals(0, c.peerPort());
    }

    @Test
    void readsTheNtsDirectives() throws Exception {
        AgentConfig c =
                of(
                        "ntstrustedcerts /a.pem",
                        "ntstrustedcerts /b.pem",
                        "nosystemcert",
                        "nocerttimecheck 2",
                        "ntsrefresh 3600",
                        "ntsdumpdir /var/lib/agent",
                        "ntsaeads 30 15",
                        "cmdport 0");
        assertEquals(2, c.trustedCerts().size());
        assertFalse(c.systemCerts());
        assertEquals(2, c.noCertTimeCheck());
        assertEquals(3600, c.ntsRefreshSeconds());
        assertEquals(
                List.of(AeadAlgorithm.AES_128_GCM_SIV, AeadAlgorithm.AES_SIV_CMAC_256), c.aeads());
    }

    @Test
    void mistakesNameFileLineAndExpectation() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> of("server a", "nocerttimecheck x"));
        assertTrue(e.getMessage().startsWith("agent.conf:2: nocerttimecheck"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> of("ntsaeads 15 99"));
        assertTrue(e.getMessage().contains("expected an AEAD id"), e.getMessage());
    }

    @Test
    void commandLineErrorsAreMessagesNotStackTraces() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc =
                AgentCommand.run(
                        new String[] {"-Q", "server a minpoll zz"},
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc);
        assertTrue(text.startsWith("command line:1: server"), text);
        assertFalse(text.contains("Exception"), text);
        assertEquals(
                2,
                AgentCommand.run(
                        new String[] {"-z"},
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(new ByteArrayOutputStream())));
    }
}
