package dev.ntsfarm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTableTest {

    static AccessTable table(String... lines) throws ConfigException {
        Config c =
                ((ConfigResult.Parsed) Config.parse("test.conf", String.join("\n", lines)))
                        .config();
        List<AccessRule> rules = new ArrayList<>();
        for (Directive d : c.directives()) {
            rules.add(AccessRule.from(d));
        }
        return AccessTable.of(rules);
    }

    static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    @Test
    void noAllowMeansNoService() throws Exception {
        AccessTable t = table();
        assertFalse(t.allows(ip("127.0.0.1")));
        assertFalse(t.allows(ip("::1")));
        assertEquals(false, AccessTable.denyAll().allows(ip("10.0.0.1")));
    }

    @Test
    void allowWithoutArgumentAllowsBothFamilies() throws Exception {
        AccessTable t = table("allow");
        assertTrue(t.allows(ip("192.0.2.1")));
        assertTrue(t.allows(ip("2001:db8::1")));
    }

    @Test
    void chronyDocumentedExampleIsOrderIndependentWithoutAll() throws Exception {
        for (String[] order :
                new String[][] {
                    {"allow 1.2.3.4", "deny 1.2.3.0/24", "allow 1.2.0.0/16"},
                    {"allow 1.2.0.0/16", "deny 1.2.3.0/24", "allow 1.2.3.4"},
                    {"deny 1.2.3.0/24", "allow 1.2.0.0/16", "allow 1.2.3.4"}
                }) {
            AccessTable t = table(order);
            assertTrue(t.allows(ip("1.2.9.9")), String.join(";", order));
            assertFalse(t.allows(ip("1.2.3.5")), String.join(";", order));
            assertTrue(t.allows(ip("1.2.3.4")), String.join(";", order));
            assertFalse(t.allows(ip("1.3.0.1")), String.join(";", order));
        }
    }

    @Test
    void allowAllOverridesEarlierRulesInsideItsSubnet() throws Exception {
        AccessTable t = table("allow 1.2.3.4", "deny 1.2.3.0/24", "allow all 1.2.0.0/16");
        assertTrue(t.allows(ip("1.2.3.5")));
        assertTrue(t.allows(ip("1.2.3.4")));
        AccessTable d = table("allow", "deny 10.1", "deny all");
        assertFalse(d.allows(ip("192.0.2.1")));
    }

    @Test
    void prefixesBetweenNibbleLevelsCoverTheirRange() throws Exception {
        AccessTable t = table("allow 10.0.0.0/9");
        assertTrue(t.allows(ip("10.127.255.255")));
        assertFalse(t.allows(ip("10.128.0.0")));
        AccessTable one = table("allow 192.0.2.7/32");
        assertTrue(one.allows(ip("192.0.2.7")));
        assertFalse(one.allows(ip("192.0.2.6")));
    }

    @Test
    void ipv6SubnetsAndMappedIpv4() throws Exception {
        AccessTable t = table("allow 2001:db8::/32", "deny 2001:db8:1::/48", "allow 127.0.0.1");
        assertTrue(t.allows(ip("2001:db8:2::1")));
        assertFalse(t.allows(ip("2001:db8:1::1")));
        assertFalse(t.allows(ip("2001:db9::1")));
        assertTrue(t.allows(java.net.Inet6Address.ofLiteral("::ffff:127.0.0.1")));
        assertFalse(t.allows(ip("::1")));
    }
}
