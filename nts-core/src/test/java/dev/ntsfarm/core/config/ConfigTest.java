package dev.ntsfarm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTest {

    static final String FILE = "/etc/ntsfarm.conf";

    static Config parsed(String text) {
        return assertInstanceOf(ConfigResult.Parsed.class, Config.parse(FILE, text)).config();
    }

    static List<ConfigError> errors(ConfigResult result) {
        return assertInstanceOf(ConfigResult.Invalid.class, result).errors();
    }

    @Test
    void readsDirectivesSkippingChronysFourCommentStartsAndBlankLines() {
        Config c =
                parsed(
                        """
                # hash
                ! bang
                ; semicolon
                % percent
                    # indented comment

                SERVER  time.example.com\tiburst   nts
                allow 10.0.0.0/8\r
                nosystemcert
                """);
        assertEquals(3, c.directives().size());
        Directive server = c.directives("server").getFirst();
        assertEquals("server", server.name(), "names match in any case and are kept in lower case");
        assertEquals(List.of("time.example.com", "iburst", "nts"), server.args());
        assertEquals(7, server.line());
        assertEquals(FILE, server.file());
        assertEquals(List.of("10.0.0.0/8"), c.last("allow").orElseThrow().args());
        assertTrue(c.has("nosystemcert"));
        assertFalse(c.has("deny"));
    }

    @Test
    void unknownDirectiveIsAnErrorNamingTheLine() {
        var errs = errors(Config.parse(FILE, "server a\n\nsrever b\ninclude /etc/x.conf\n"));
        assertEquals(
                List.of(
                        FILE + ":3: unknown directive 'srever'",
                        FILE + ":4: unknown directive 'include'"),
                errs.stream().map(ConfigError::toString).toList());
    }

    @Test
    void aCommentCharacterAfterTheNameIsAnArgumentAsInChronyd() {
        Directive d = parsed("server a # b\n").directives().getFirst();
        assertEquals(List.of("a", "#", "b"), d.args());
        ConfigException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        ConfigException.class, () -> SourceDirective.from(d));
        assertEquals(
                FILE
                        + ":1: server: unknown option '#' (expected one of burst, iburst, key, maxdelay, maxdelaydevratio, maxdelayratio, maxpoll, maxsamples, minpoll, minsamples, nts, ntsport, polltarget, port, xleave)",
                e.getMessage());
    }

    @Test
    void inlineDirectivesAreNumberedByArgument() {
        Config c =
                assertInstanceOf(
                                ConfigResult.Parsed.class,
                                Config.fromArgs(
                                        List.of(
                                                "port 0",
                                                "# nothing",
                                                "server 127.0.0.1 port 11123")))
                        .config();
        assertEquals(2, c.directives().size());
        Directive server = c.directives("server").getFirst();
        assertEquals("command line", server.file());
        assertEquals(3, server.line());
        var errs = errors(Config.fromArgs(List.of("port 1", "bogus 2")));
        assertEquals("command line:2: unknown directive 'bogus'", errs.getFirst().toString());
    }

    @Test
    void overlongLineIsAnError() {
        var errs =
                errors(
                        Config.parse(
                                FILE, "driftfile /" + "x".repeat(Config.MAX_LINE_LENGTH) + "\n"));
        assertEquals(1, errs.getFirst().line());
        assertTrue(
                errs.getFirst().message().startsWith("expected a line of at most 2047 characters"));
    }

    @Test
    void toTextParsesBackToTheSameDirectivesAndPlusAppends() {
        Config c = parsed("server a iburst\n\n# x\nlocal stratum 3\n");
        Config again = parsed(c.toText());
        assertEquals(
                c.directives().stream().map(Directive::toLine).toList(),
                again.directives().stream().map(Directive::toLine).toList());
        Config both =
                c.plus(
                        assertInstanceOf(
                                        ConfigResult.Parsed.class,
                                        Config.fromArgs(List.of("local stratum 5")))
                                .config());
        assertEquals(
                List.of("3", "5"),
                both.directives("local").stream().map(d -> d.args().getLast()).toList());
        assertEquals(
                "command line",
                both.last("local").orElseThrow().file(),
                "the later setting counts");
    }

    @Test
    void everyDirectiveOfTheDesignIsKnown() {
        for (String name :
                List.of(
                        "server",
                        "peer",
                        "pool",
                        "port",
                        "ntsport",
                        "ntsserverkey",
                        "ntsservercert",
                        "ntsaeads",
                        "ntsntpserver",
                        "ntsrotate",
                        "ntsdumpdir",
                        "ntstrustedcerts",
                        "nosystemcert",
                        "nocerttimecheck",
                        "ntsrefresh",
                        "keyfile",
                        "commandkey",
                        "cmdport",
                        "bindcmdaddress",
                        "cmdallow",
                        "allow",
                        "deny",
                        "ratelimit",
                        "ntsratelimit",
                        "maxntsconnections",
                        "local",
                        "makestep",
                        "driftfile",
                        "bindaddress",
                        "pidfile",
                        "cluster",
                        "farmsecret",
                        "ntsntpport",
                        "metricsport",
                        "bindmetricsaddress")) {
            assertTrue(DirectiveNames.isKnown(name), name);
        }
        assertFalse(DirectiveNames.isKnown("iburst"), "an option, not a directive");
    }

    @Test
    void aDirectiveThatWouldBeIgnoredIsRefusedWithTheReason() {
        ConfigResult r =
                Config.parse(
                        "/etc/ntsfarm/agent.conf", "server a\nsourcedir /etc/chrony/sources.d\n");
        ConfigResult.Invalid inv = assertInstanceOf(ConfigResult.Invalid.class, r);
        assertEquals(1, inv.errors().size());
        assertTrue(
                inv.errors()
                        .getFirst()
                        .toString()
                        .startsWith(
                                "/etc/ntsfarm/agent.conf:2: sourcedir: not supported (expected: the sources as server"),
                inv.errors().toString());
    }
}
