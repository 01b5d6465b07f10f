package dev.ntsfarm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypedDirectivesTest {

    private static Directive line(String text) {
        return ConfigTest.parsed("# header\n" + text + "\n").directives().getFirst();
    }

    private static String failure(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(ConfigException.class, e).getMessage();
    }

    @Test
    void sourceWithEveryOption() throws ConfigException {
        SourceDirective s =
                SourceDirective.from(
                        line(
                                "server 127.0.0.1 port 11123 ntsport 14460 nts iburst key 5 minpoll -2 maxpoll 4 maxsamples 1"));
        assertEquals(
                new SourceDirective(
                        SourceDirective.Kind.SERVER,
                        "127.0.0.1",
                        11123,
                        14460,
                        true,
                        true,
                        5,
                        -2,
                        4,
                        1),
                s);
        assertEquals(
                "server 127.0.0.1 port 11123 ntsport 14460 nts iburst key 5 minpoll -2 maxpoll 4 maxsamples 1",
                s.toLine());
        assertTrue(s.hasKey());
    }

    @Test
    void sourceSamplingOptionsAreChronys() throws ConfigException {
        SourceDirective s =
                SourceDirective.from(
                        line(
                                "server a burst xleave maxdelay 0.05 maxdelayratio 3"
                                        + " maxdelaydevratio 5 minsamples 4 polltarget 30"));
        assertEquals(new SourceDirective.Parameters(true, true, 0.05, 3, 5, 4, 30), s.parameters());
        assertEquals(
                "server a burst xleave minsamples 4 polltarget 30 maxdelay 0.05 maxdelayratio 3 maxdelaydevratio 5",
                s.toLine());
        assertEquals(SourceDirective.from(line(s.toLine())), s);
        assertEquals(
                SourceDirective.Parameters.DEFAULTS,
                SourceDirective.from(line("server a")).parameters());
        assertEquals(
                "/etc/ntsfarm.conf:2: server: expected a number of samples from 6 to 60 after 'polltarget', got \"3\"",
                failure(() -> SourceDirective.from(line("server a polltarget 3"))));
        assertEquals(
                "server b port 9",
                SourceDirective.from(line("pool a port 9")).serverAt("b").toLine());
    }

    @Test
    void maxchangeIsOffsetStartIgnore() throws ConfigException {
        assertEquals(new MaxChange(1000, 1, 2), MaxChange.from(line("maxchange 1000 1 2")));
        assertEquals("maxchange 0.5 0 -1", MaxChange.from(line("maxchange 0.5 0 -1")).toLine());
        assertTrue(failure(() -> MaxChange.from(line("maxchange 1000 1"))).contains("maxchange"));
    }

    @Test
    void sourceDefaultsAreChronys() throws ConfigException {
        SourceDirective s = SourceDirective.from(line("pool pool.ntp.org"));
        assertEquals(SourceDirective.of(SourceDirective.Kind.POOL, "pool.ntp.org"), s);
        assertEquals(123, s.port());
        assertEquals(4460, s.ntsPort());
        assertEquals(6, s.minPoll());
        assertEquals(10, s.maxPoll());
        assertFalse(s.hasKey());
        assertEquals(
                SourceDirective.Kind.PEER,
                SourceDirective.from(line("peer 10.0.0.2 key 1")).kind());
        assertEquals(2, ConfigTest.parsed("server a\ndriftfile x\npeer b\n").sources().size());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "server                    | /etc/ntsfarm.conf:2: server: expected a host name or address, got nothing",
                "server a port             | /etc/ntsfarm.conf:2: server: expected a value after 'port', got nothing",
                "server a port 0           | /etc/ntsfarm.conf:2: server: expected a port number from 1 to 65535 after 'port', got \"0\"",
                "server a ntsport x        | /etc/ntsfarm.conf:2: server: expected a port number from 1 to 65535 after 'ntsport', got \"x\"",
                "server a key 0            | /etc/ntsfarm.conf:2: server: expected a key id from 1 to 4294967295 after 'key', got \"0\"",
                "server a key -1           | /etc/ntsfarm.conf:2: server: expected a key id (0 to 4294967295) after 'key', got \"-1\"",
                "server a minpoll 25       | /etc/ntsfarm.conf:2: server: expected a poll exponent from -7 to 24 after 'minpoll', got \"25\"",
                "server a maxsamples 0     | /etc/ntsfarm.conf:2: server: expected a number of samples from 1 to 64 after 'maxsamples', got \"0\"",
                "server a ibrust           | /etc/ntsfarm.conf:2: server: unknown option 'ibrust' (expected one of burst, iburst, key, maxdelay, maxdelaydevratio, maxdelayratio, maxpoll, maxsamples, minpoll, minsamples, nts, ntsport, polltarget, port, xleave)",
            })
    void sourceErrorsNameLineAndExpectation(String text, String message) {
        assertEquals(message, failure(() -> SourceDirective.from(line(text))));
    }

    @Test
    void allowAndDenyInChronysForms() throws Exception {
        AccessRule any = AccessRule.from(line("allow"));
        assertNull(any.network());
        assertTrue(any.matches(InetAddress.getByName("2001:db8::1")));

        AccessRule net = AccessRule.from(line("allow 192.168"));
        assertEquals(InetAddress.getByName("192.168.0.0"), net.network());
        assertEquals(16, net.prefixLength());
        assertTrue(net.matches(InetAddress.getByName("192.168.7.9")));
        assertFalse(net.matches(InetAddress.getByName("192.169.0.1")));
        assertFalse(net.matches(InetAddress.getByName("::1")));

        AccessRule deny = AccessRule.from(line("deny all 10.1.2.3/9"));
        assertFalse(deny.allow());
        assertTrue(deny.all());
        assertEquals(9, deny.prefixLength());
        assertTrue(deny.matches(InetAddress.getByName("10.127.0.0")));
        assertFalse(deny.matches(InetAddress.getByName("10.128.0.0")));

        AccessRule v6 = AccessRule.from(line("allow 2001:db8::/32"));
        assertEquals(32, v6.prefixLength());
        assertTrue(v6.matches(InetAddress.getByName("2001:db8:ffff::1")));
        assertEquals(128, AccessRule.from(line("deny ::1")).prefixLength());
        assertEquals(32, AccessRule.from(line("allow 1.2.3.4")).prefixLength());
        assertEquals("deny all 10.1.2.3/9", deny.toLine());
        assertEquals(deny, AccessRule.from(line(deny.toLine())));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "allow time.example.com    | /etc/ntsfarm.conf:2: allow: expected an IP address or subnet (ADDRESS[/BITS]) (host names are not resolved), got \"time.example.com\"",
                "allow 10.0.0.0/33         | /etc/ntsfarm.conf:2: allow: expected a prefix length from 0 to 32, got 33",
                "allow 10.0.0.0/x          | /etc/ntsfarm.conf:2: allow: expected an IP address or subnet (ADDRESS[/BITS]), got \"10.0.0.0/x\"",
                "deny 256.1                | /etc/ntsfarm.conf:2: deny: expected an IP address or subnet (ADDRESS[/BITS]), got \"256.1\"",
                "deny 10.0.0.1 10.0.0.2    | /etc/ntsfarm.conf:2: deny: expected [all] [ADDRESS[/BITS]], got 2 arguments",
                "deny all a b              | /etc/ntsfarm.conf:2: deny: expected [all] [ADDRESS[/BITS]], got 3 arguments",
            })
    void accessRuleErrors(String text, String message) {
        assertEquals(message, failure(() -> AccessRule.from(line(text))));
    }

    @Test
    void localMakestepRatelimit() throws ConfigException {
        assertEquals(
                new LocalDirective(3, false, 1.0), LocalDirective.from(line("local stratum 3")));
        assertEquals(
                new LocalDirective(10, true, 0.5),
                LocalDirective.from(line("local orphan distance 0.5")));
        assertEquals(
                "/etc/ntsfarm.conf:2: local: expected a stratum from 1 to 15 after 'stratum', got \"16\"",
                failure(() -> LocalDirective.from(line("local stratum 16"))));

        MakeStep m = MakeStep.from(line("makestep 1.5 -1"));
        assertEquals(new MakeStep(1.5, -1), m);
        assertTrue(m.unlimited());
        assertEquals(m, MakeStep.from(line(m.toLine())));
        assertEquals(
                "/etc/ntsfarm.conf:2: makestep: expected 2 arguments, got 1",
                failure(() -> MakeStep.from(line("makestep 1"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: makestep: expected a threshold in seconds >= 0, got \"-1\"",
                failure(() -> MakeStep.from(line("makestep -1 3"))));

        assertEquals(
                new RateLimit(1, 16, 2), RateLimit.from(line("ratelimit interval 1 burst 16")));
        assertEquals(RateLimit.NTS_DEFAULT, RateLimit.from(line("ntsratelimit")));
        RateLimit r = RateLimit.from(line("ntsratelimit interval -19 burst 255 leak 4"));
        assertEquals(r, RateLimit.from(line(r.toLine("ntsratelimit"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: ratelimit: expected a leak rate from 1 to 4 after 'leak', got \"5\"",
                failure(() -> RateLimit.from(line("ratelimit leak 5"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: ratelimit: unknown option 'rate' (expected one of burst, interval, kod, leak)",
                failure(() -> RateLimit.from(line("ratelimit rate 5"))));
        // chrony 4.6's kod: ratelimit only, 0 to 4, written back only when set
        RateLimit withKod = RateLimit.from(line("ratelimit interval 1 burst 4 kod 2"));
        assertEquals(new RateLimit(1, 4, 2, 2), withKod);
        assertEquals(withKod, RateLimit.from(line(withKod.toLine("ratelimit"))));
        assertEquals(
                "ratelimit interval 1 burst 16 leak 2",
                new RateLimit(1, 16, 2).toLine("ratelimit"));
        assertEquals(
                "/etc/ntsfarm.conf:2: ratelimit: expected a KoD rate from 0 to 4 after 'kod', got \"9\"",
                failure(() -> RateLimit.from(line("ratelimit kod 9"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: ntsratelimit: unknown option 'kod' (expected one of burst, interval, leak)",
                failure(() -> RateLimit.from(line("ntsratelimit kod 1"))));
    }

    @Test
    void clusterDirectives() throws ConfigException {
        assertEquals(
                new ClusterDirective.Member("10.0.0.5", 5701),
                ClusterDirective.from(line("cluster member 10.0.0.5:5701")));
        assertEquals(
                new ClusterDirective.Member("node-b", 5701),
                ClusterDirective.from(line("cluster member node-b")));
        assertEquals(
                new ClusterDirective.Bind("::1", 15701),
                ClusterDirective.from(line("cluster bind [::1]:15701")));
        assertEquals(
                new ClusterDirective.Bind("::1", 5701),
                ClusterDirective.from(line("cluster bind ::1")));
        assertEquals(
                new ClusterDirective.Name("ntsfarm"),
                ClusterDirective.from(line("cluster name ntsfarm")));
        ClusterDirective b = ClusterDirective.from(line("cluster bind [::1]:15701"));
        assertEquals(b, ClusterDirective.from(line(b.toLine())));
        assertEquals(
                new ClusterDirective.Heartbeat(10),
                ClusterDirective.from(line("cluster heartbeat 10")));
        assertEquals(
                new ClusterDirective.Merge(30), ClusterDirective.from(line("cluster Merge 30")));
        ClusterDirective m = ClusterDirective.from(line("cluster merge 30"));
        assertEquals(m, ClusterDirective.from(line(m.toLine())));
        assertEquals(
                "/etc/ntsfarm.conf:2: cluster: expected a heartbeat timeout in seconds from 2 to 3600, got \"1\"",
                failure(() -> ClusterDirective.from(line("cluster heartbeat 1"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: cluster: expected a merge interval in seconds from 1 to 3600, got \"soon\"",
                failure(() -> ClusterDirective.from(line("cluster merge soon"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: cluster: expected member, name, bind, heartbeat or merge, got \"members\"",
                failure(() -> ClusterDirective.from(line("cluster members a"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: cluster: expected a port number from 1 to 65535, got \"99999\"",
                failure(() -> ClusterDirective.from(line("cluster member a:99999"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: cluster: expected [IPV6]:PORT, got \"[::1\"",
                failure(() -> ClusterDirective.from(line("cluster member [::1"))));
        assertEquals(
                "/etc/ntsfarm.conf:2: cluster: expected 2 arguments, got 1",
                failure(() -> ClusterDirective.from(line("cluster name"))));
    }
}
