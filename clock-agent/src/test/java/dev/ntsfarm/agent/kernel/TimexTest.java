package dev.ntsfarm.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The FFM path to clock_adjtime. Reads the kernel's state; proves the write path only by writing
 * back the frequency just read, which leaves the clock as it was. Never steps or slews the real
 * clock.
 */
class TimexTest {

    @Test
    void readsSaneKernelState() throws Exception {
        Timex.State s = Timex.read();
        assertTrue(
                s.state() >= 0 && s.state() <= 5,
                "clock state " + s.state() + " (expected: TIME_OK..TIME_ERROR)");
        // the kernel bounds the frequency to +/- 500 ppm (MAXFREQ)
        assertTrue(Math.abs(s.frequencyPpm()) <= 500.0, "frequency " + s.frequencyPpm() + " ppm");
        // USER_HZ ticks: 10000 us at 100 Hz, with the kernel's +/- 10% adjustment range
        assertTrue(s.tick() >= 9000 && s.tick() <= 11000, "tick " + s.tick() + " us");
        assertTrue(
                s.maxError() >= 0 && s.estError() >= 0,
                "errors " + s.maxError() + ", " + s.estError());
        // chrony's MAXPHASE is 0.5 s; the kernel never holds a larger PLL offset
        long limit = s.nano() ? 500_000_000L : 500_000L;
        assertTrue(Math.abs(s.offset()) <= limit, "offset " + s.offset());
        assertTrue(s.constant() >= 0 && s.constant() <= 10, "time constant " + s.constant());
        // the time in the struct is the real time
        long structNanos =
                s.timeSec() * 1_000_000_000L + (s.nano() ? s.timeUsec() : s.timeUsec() * 1000);
        assertTrue(
                Math.abs(KernelClock.realtimeNanos() - structNanos) < 5_000_000_000L,
                "timex time " + structNanos + " far from now");
    }

    @Test
    void readIsRepeatableAndChangesNothing() throws Exception {
        Timex.State a = Timex.read();
        Timex.State b = Timex.read();
        assertEquals(a.freq(), b.freq(), "a read changed the frequency");
        assertEquals(a.status(), b.status(), "a read changed the status");
        assertEquals(a.tick(), b.tick());
    }

    @Test
    void readsTheRemainingSlewWithoutChangingIt() throws Exception {
        long a = Timex.remainingSlewMicros();
        long b = Timex.remainingSlewMicros();
        // nothing here slews the clock; whatever another program started only shrinks
        assertTrue(Math.abs(a) <= 500_000 && Math.abs(b) <= Math.abs(a), a + " then " + b);
    }

    @Test
    void writesBackTheFrequencyJustRead() throws Exception {
        Timex.State before = Timex.read();
        Timex.State written;
        try {
            written = Timex.setFrequency(before.freq());
        } catch (Timex.TimexException e) {
            Assumptions.assumeTrue(
                    e.errno() != Timex.EPERM,
                    "the kernel refuses ADJ_FREQUENCY here (EPERM: no CAP_SYS_TIME); write path not proven");
            throw e;
        }
        Timex.State after = Timex.read();
        assertEquals(before.freq(), written.freq(), "the call reported a different frequency");
        assertEquals(
                before.freq(), after.freq(), "frequency read back differs from the value written");
        assertTrue(written.state() >= 0);
    }

    /**
     * A real change, restored at once: the frequency moves by one unit of the kernel's scaled ppm
     * (2^-16 ppm, 1.5e-11) and back, so the write path is shown to reach the kernel.
     */
    @Test
    void changesTheFrequencyByOneUnitAndRestoresIt() throws Exception {
        Timex.State before = Timex.read();
        long changed = before.freq() < 0 ? before.freq() + 1 : before.freq() - 1;
        Timex.State seen;
        try {
            try {
                Timex.setFrequency(changed);
            } catch (Timex.TimexException e) {
                Assumptions.assumeTrue(
                        e.errno() != Timex.EPERM,
                        "the kernel refuses ADJ_FREQUENCY here (EPERM: no CAP_SYS_TIME); write path not proven");
                throw e;
            }
            seen = Timex.read();
        } finally {
            Timex.setFrequency(before.freq());
        }
        assertEquals(changed, seen.freq(), "the kernel did not take the new frequency");
        assertEquals(before.freq(), Timex.read().freq(), "the frequency was not restored");
    }

    @Test
    void readOnlyClockNeverWrites() throws Exception {
        Timex.State before = Timex.read();
        ReadOnlyClock c = new ReadOnlyClock();
        c.setFrequencyPpm(before.frequencyPpm() + 100);
        c.stepOffset(1000.25);
        c.checkAdjustable();
        Timex.State after = Timex.read();
        assertEquals(before.freq(), after.freq(), "-x changed the kernel frequency");
        assertEquals(1000.25, c.lastStep());
        // the corrections live in software: the agent's time moved, the machine's did not
        assertEquals(1000.25, c.offset(), 0.01);
        assertEquals(1000.25, (c.readTime() - KernelClock.realtimeNanos()) / 1e9, 0.5);
        long k = KernelClock.realtimeNanos();
        assertEquals(
                c.offset(),
                (c.fromKernel(k) - k) / 1e9,
                0.01,
                "kernel timestamps join the software clock");
    }
}
