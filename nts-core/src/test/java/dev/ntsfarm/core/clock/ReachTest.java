package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The reach register as chronyc shows it. */
class ReachTest {

    @Test
    void eightAnsweredPollsMake377() {
        Reach r = Reach.NONE;
        String[] expected = {"1", "3", "7", "17", "37", "77", "177", "377"};
        for (String octal : expected) {
            r = r.shift(true);
            assertEquals(octal, r.octal());
        }
        assertEquals("377", r.shift(true).octal());
        assertEquals("376", r.shift(false).octal());
    }

    @Test
    void eightMissedPollsMakeItUnreachable() {
        Reach r = new Reach(0377);
        for (int i = 0; i < 7; i++) {
            r = r.shift(false);
            assertTrue(r.reachable());
        }
        assertFalse(r.shift(false).reachable());
        assertThrows(IllegalArgumentException.class, () -> new Reach(0400));
    }
}
