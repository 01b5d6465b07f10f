package dev.ntsfarm.agent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The reach register as chronyc prints it. */
class SelectionTest {

    @Test
    void reachShowsTheLastEightPollsInOctal() {
        ReachRegister r = new ReachRegister();
        for (int i = 0; i < 8; i++) {
            r.transmitted();
            r.received();
        }
        assertEquals("377", r.octal());
        r.transmitted();
        assertEquals("376", r.octal(), "the ninth poll went unanswered");
        r.transmitted();
        r.received();
        assertEquals("375", r.octal());
        assertEquals(10, r.polls());
    }

    @Test
    void sampleFollowsRfc5905() {
        // server 1 ms ahead, 4 ms each way, 1 ms in the server
        long t1 = 1_000_000_000L;
        long t2 = t1 + 5_000_000L;
        long t3 = t2 + 1_000_000L;
        long t4 = t1 + 9_000_000L;
        Sample s = Sample.of(t1, t2, t3, t4, 1, 0, 0, 0, dev.ntsfarm.core.ntp.LeapIndicator.NO_WARNING, 0, -20);
        assertEquals(0.001, s.offset(), 1e-12);
        assertEquals(0.008, s.delay(), 1e-12);
    }
}
