package dev.ntsfarm.agent.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linux {@code clock_adjtime(CLOCK_REALTIME, struct timex *)} through the FFM API (x86_64 layout,
 * 208 bytes). {@code modes == 0} only reads and needs no privilege; any other mode changes the
 * machine's clock and needs CAP_SYS_TIME.
 */
public final class Timex {

    public static final int STRUCT_SIZE = 208;
    public static final int CLOCK_REALTIME = 0;

    // modes (linux/timex.h)
    public static final int ADJ_OFFSET = 0x0001;
    public static final int ADJ_FREQUENCY = 0x0002;
    public static final int ADJ_MAXERROR = 0x0004;
    public static final int ADJ_ESTERROR = 0x0008;
    public static final int ADJ_STATUS = 0x0010;
    public static final int ADJ_SETOFFSET = 0x0100;
    public static final int ADJ_NANO = 0x2000;
    public static final int ADJ_OFFSET_SINGLESHOT = 0x8001;

    /** Reads what an adjtime()-style slew has left; needs no privilege. */
    public static final int ADJ_OFFSET_SS_READ = 0xa001;

    // status bits
    public static final int STA_PLL = 0x0001;
    public static final int STA_UNSYNC = 0x0040;
    public static final int STA_NANO = 0x2000;

    /** The kernel's frequency unit: ppm with a 16-bit binary fraction. */
    public static final double FREQ_SCALE = 65536.0;

    public static final int EPERM = 1;

    // byte offsets in struct timex (x86_64)
    static final long MODES = 0;
    static final long OFFSET = 8;
    static final long FREQ = 16;
    static final long MAXERROR = 24;
    static final long ESTERROR = 32;
    static final long STATUS = 40;
    static final long CONSTANT = 48;
    static final long PRECISION = 56;
    static final long TOLERANCE = 64;
    static final long TIME_SEC = 72;
    static final long TIME_USEC = 80;
    static final long TICK = 88;
    static final long TAI = 160;

    private static final StructLayoutHolder NATIVE = new StructLayoutHolder();

    /**
     * A snapshot of the kernel's state (units as the kernel gives them: offset in ns when {@code
     * STA_NANO}, else µs; freq scaled ppm; errors in µs; tick in µs).
     *
     * @param state the call's return value: TIME_OK (0) .. TIME_ERROR (5)
     */
    public record State(
            int state,
            long offset,
            long freq,
            long maxError,
            long estError,
            int status,
            long constant,
            long precision,
            long tolerance,
            long timeSec,
            long timeUsec,
            long tick,
            int tai) {

        public double frequencyPpm() {
            return freq / FREQ_SCALE;
        }

        public boolean nano() {
            return (status & STA_NANO) != 0;
        }
    }

    /** A call the kernel refused; {@code errno} says why (EPERM: no CAP_SYS_TIME). */
    public static final class TimexException extends Exception {
        private final int errno;

        public TimexException(int errno) {
            super(
                    "clock_adjtime failed, errno "
                            + errno
                            + (errno == EPERM ? " (EPERM: not allowed to adjust the clock)" : ""));
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    private Timex() {}

    /** Reads the state (modes 0): changes nothing. */
    public static State read() throws TimexException {
        return call(0, 0, 0, 0, 0);
    }

    /** The microseconds an adjtime()-style slew has still to apply (changes nothing). */
    public static long remainingSlewMicros() throws TimexException {
        return call(ADJ_OFFSET_SS_READ, 0, 0, 0, 0).offset();
    }

    /** Sets the frequency, in the kernel's scaled ppm. */
    public static State setFrequency(long scaledPpm) throws TimexException {
        return call(ADJ_FREQUENCY, 0, scaledPpm, 0, 0);
    }

    /** adjtime()-style slew of {@code micros} (the kernel bounds it to +/- 0.5 s). */
    public static State slewMicros(long micros) throws TimexException {
        return call(ADJ_OFFSET_SINGLESHOT, micros, 0, 0, 0);
    }

    /** Steps the clock by {@code nanos}. */
    public static State stepNanos(long nanos) throws TimexException {
        long sec = Math.floorDiv(nanos, 1_000_000_000L);
        long ns = Math.floorMod(nanos, 1_000_000_000L);
        return call(ADJ_SETOFFSET | ADJ_NANO, 0, 0, sec, ns);
    }

    private static State call(int modes, long offset, long freq, long sec, long usec)
            throws TimexException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tx = arena.allocate(STRUCT_SIZE, 8);
            tx.set(ValueLayout.JAVA_INT, MODES, modes);
            tx.set(ValueLayout.JAVA_LONG, OFFSET, offset);
            tx.set(ValueLayout.JAVA_LONG, FREQ, freq);
            tx.set(ValueLayout.JAVA_LONG, TIME_SEC, sec);
            tx.set(ValueLayout.JAVA_LONG, TIME_USEC, usec);
            MemorySegment callState = arena.allocate(NATIVE.callStateLayout);
            int rc = (int) NATIVE.clockAdjtime.invokeExact(callState, CLOCK_REALTIME, tx);
            if (rc < 0) {
                throw new TimexException((int) NATIVE.errno.get(callState, 0L));
            }
            return new State(
                    rc,
                    tx.get(ValueLayout.JAVA_LONG, OFFSET),
                    tx.get(ValueLayout.JAVA_LONG, FREQ),
                    tx.get(ValueLayout.JAVA_LONG, MAXERROR),
                    tx.get(ValueLayout.JAVA_LONG, ESTERROR),
                    tx.get(ValueLayout.JAVA_INT, STATUS),
                    tx.get(ValueLayout.JAVA_LONG, CONSTANT),
                    tx.get(ValueLayout.JAVA_LONG, PRECISION),
                    tx.get(ValueLayout.JAVA_LONG, TOLERANCE),
                    tx.get(ValueLayout.JAVA_LONG, TIME_SEC),
                    tx.get(ValueLayout.JAVA_LONG, TIME_USEC),
                    tx.get(ValueLayout.JAVA_LONG, TICK),
                    tx.get(ValueLayout.JAVA_INT, TAI));
        } catch (TimexException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("clock_adjtime could not be called: " + t, t);
        }
    }

    private static final class StructLayoutHolder {
        final MethodHandle clockAdjtime;
        final MemoryLayout callStateLayout;
        final VarHandle errno;

        StructLayoutHolder() {
            Linker linker = Linker.nativeLinker();
            Linker.Option ccs = Linker.Option.captureCallState("errno");
            callStateLayout = Linker.Option.captureStateLayout();
            errno = callStateLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            MemorySegment fn =
                    linker.defaultLookup()
                            .find("clock_adjtime")
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "clock_adjtime not found in the C library"));
            clockAdjtime =
                    linker.downcallHandle(
                            fn,
                            FunctionDescriptor.of(
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.ADDRESS),
                            ccs);
        }
    }
}
