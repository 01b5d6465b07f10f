package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.nts.NtsClientRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cookie jar and the association's NTS-KE timing, without a network. */
class NtsAssociationTest {

    private static List<byte[]> cookies(int n, int len) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] c = new byte[len];
            java.util.Arrays.fill(c, (byte) (i + 1));
            out.add(c);
        }
        return out;
    }

    private static SessionKeys keys() {
        byte[] c2s = new byte[32];
        byte[] s2c = new byte[32];
        new Random(1).nextBytes(c2s);
        new Random(2).nextBytes(s2c);
        return SessionKeys.of(AeadAlgorithm.AES_SIV_CMAC_256, c2s, s2c);
    }

    @Test
    void jarUsesEachCookieOnceAndAsksForTheMissingOnes() {
        CookieJar jar = new CookieJar();
        jar.fill(cookies(8, 100));
        byte[] first = jar.take();
        assertEquals(1, first[0], "oldest first");
        assertEquals(7, jar.size());
        assertEquals(0, jar.placeholdersWanted(), "7 left + 1 returned = 8");
        for (int i = 0; i < 7; i++) {
            jar.take();
        }
        assertNull(jar.take());
        assertEquals(
                7, jar.placeholdersWanted(), "empty jar: one cookie back plus seven placeholders");
        jar.add(cookies(10, 104));
        assertEquals(CookieJar.CAPACITY, jar.size(), "never more than eight");
        assertEquals(104, jar.cookieLength());
        assertEquals(3, jar.take()[0], "the oldest two of ten were dropped");
    }

    @Test
    void associationBacksOffAndRefreshes() {
        NtsAssociation a = new NtsAssociation("h", 4460, 123, 1000);
        assertTrue(a.needsKeyEstablishment(100), "no keys yet");
        a.keyEstablishmentStarted();
        assertFalse(a.needsKeyEstablishment(100), "one session at a time");
        a.keyEstablishmentFailed(100, "refused");
        assertFalse(a.needsKeyEstablishment(101));
        assertTrue(a.needsKeyEstablishment(102), "first retry after 2 s");
        a.keyEstablishmentStarted();
        a.keyEstablishmentFailed(102, "refused");
        assertFalse(a.needsKeyEstablishment(105));
        assertTrue(a.needsKeyEstablishment(106), "then 4 s");
        a.keyEstablishmentStarted();
        a.keyEstablishmentSucceeded(
                new NtsAssociation.Session(keys(), null, cookies(8, 100), "h", 123), 200);
        assertEquals(0, a.failedAttempts());
        assertEquals(1, a.contextId());
        assertFalse(a.needsKeyEstablishment(201));
        assertTrue(a.needsKeyEstablishment(1200), "ntsrefresh elapsed");
        assertTrue(a.ready());
        NtsClientRequest r =
                a.nextRequest(6, NonceSource.of(new java.security.SecureRandom()), 42L);
        assertEquals(0, r.placeholders(), "full jar after NTS-KE: no placeholders");
        assertEquals(7, a.cookies());
    }
}
