package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReachAndPollTest {

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

    @Test
    void iburstPollsEveryTwoSecondsUntilFourAnswers() {
        var p = new PollSchedule(6, 10, true);
        assertEquals(2.0, p.afterPoll(true, true));
        assertEquals(2.0, p.afterPoll(false, false));
        assertEquals(2.0, p.afterPoll(true, true));
        assertEquals(2.0, p.afterPoll(true, true));
        assertEquals(64.0, p.afterPoll(true, true), "four answers end the burst");
        assertFalse(p.bursting());
    }

    @Test
    void iburstStopsAfterEightPollsWithoutAnswers() {
        var p = new PollSchedule(4, 10, true);
        for (int i = 0; i < 7; i++) {
            assertEquals(2.0, p.afterPoll(false, false));
        }
        assertEquals(16.0, p.afterPoll(false, false));
    }

    @Test
    void pollGrowsWhenStableAndStaysWithinBounds() {
        var p = new PollSchedule(6, 7, false);
        for (int i = 0; i < 3; i++) {
            assertEquals(64.0, p.afterPoll(true, true));
        }
        assertEquals(128.0, p.afterPoll(true, true));
        for (int i = 0; i < 8; i++) {
            assertEquals(128.0, p.afterPoll(true, true), "never above maxpoll");
        }
        assertEquals(64.0, p.afterPoll(true, false));
        assertEquals(64.0, p.afterPoll(false, false), "never below minpoll");
        assertThrows(IllegalArgumentException.class, () -> new PollSchedule(8, 6, false));
    }
}
