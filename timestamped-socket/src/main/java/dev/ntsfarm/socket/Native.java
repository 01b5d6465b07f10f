package dev.ntsfarm.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The Linux system calls and constants the sockets use, through Java's FFM (x86_64 and aarch64
 * Linux share every number and layout here). Each call captures errno into a per-thread segment the
 * caller owns, so no call allocates.
 */
final class Native {

    private Native() {}

    // <sys/socket.h>, <netinet/in.h>
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_REUSEPORT = 15;
    static final int SO_RCVTIMEO = 20;
    static final int SO_TIMESTAMPNS = 35;
    static final int SO_TIMESTAMPING = 37;
    static final int SCM_TIMESTAMPNS = SO_TIMESTAMPNS;
    static final int SCM_TIMESTAMPING = SO_TIMESTAMPING;
    static final int IPPROTO_IP = 0;
    static final int IP_RECVERR = 11;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_RECVERR = 25;
    static final int IPV6_V6ONLY = 26;
    static final int SHUT_RD = 0;

    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_ERRQUEUE = 0x2000;
    static final int MSG_WAITFORONE = 0x10000;

    // <linux/net_tstamp.h>
    static final int SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1;
    static final int SOF_TIMESTAMPING_RX_SOFTWARE = 1 << 3;
    static final int SOF_TIMESTAMPING_SOFTWARE = 1 << 4;
    static final int SOF_TIMESTAMPING_OPT_ID = 1 << 7;
    static final int SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11;
    // <linux/errqueue.h>
    static final int SO_EE_ORIGIN_TIMESTAMPING = 4;
    static final int SCM_TSTAMP_SND = 0;

    static final int EINTR = 4;
    static final int EAGAIN = 11;

    // struct sockaddr_in6 / sockaddr_in (the name buffer holds either)
    static final int SOCKADDR_LENGTH = 28;
    static final int SOCKADDR_IN_LENGTH = 16;

    // struct iovec { void *base; size_t len; }
    static final long IOVEC_SIZE = 16;
    // struct msghdr (56 bytes) inside struct mmsghdr (64 bytes)
    static final long MSG_NAME = 0;
    static final long MSG_NAMELEN = 8;
    static final long MSG_IOV = 16;
    static final long MSG_IOVLEN = 24;
    static final long MSG_CONTROL = 32;
    static final long MSG_CONTROLLEN = 40;
    static final long MSG_FLAGS = 48;
    static final long MMSG_LEN = 56;
    static final long MMSGHDR_SIZE = 64;
    // struct cmsghdr { size_t len; int level; int type; } then data, aligned to 8
    static final long CMSG_HEADER = 16;

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong LONG_BE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt INT_BE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final java.lang.foreign.AddressLayout ADDRESS = ValueLayout.ADDRESS;

    static final MethodHandle SOCKET =
            downcall("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    static final MethodHandle SETSOCKOPT =
            downcall("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDRESS, INT));
    static final MethodHandle BIND =
            downcall("bind", FunctionDescriptor.of(INT, INT, ADDRESS, INT));
    static final MethodHandle GETSOCKNAME =
            downcall("getsockname", FunctionDescriptor.of(INT, INT, ADDRESS, ADDRESS));
    static final MethodHandle RECVMMSG =
            downcall("recvmmsg", FunctionDescriptor.of(INT, INT, ADDRESS, INT, INT, ADDRESS));
    static final MethodHandle SENDMMSG =
            downcall("sendmmsg", FunctionDescriptor.of(INT, INT, ADDRESS, INT, INT));
    static final MethodHandle SHUTDOWN = downcall("shutdown", FunctionDescriptor.of(INT, INT, INT));
    static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(INT, INT));
    static final MethodHandle STRERROR =
            LINKER.downcallHandle(
                    LINKER.defaultLookup().findOrThrow("strerror"),
                    FunctionDescriptor.of(
                            ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, BYTE)), INT));

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, CAPTURE_ERRNO);
    }

    /** A segment for one thread's captured errno. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** The C library's text for {@code errno}. */
    static String describe(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Aligns a control-message length to the kernel's CMSG_ALIGN (8 on 64-bit). */
    static long cmsgAlign(long n) {
        return (n + 7) & ~7L;
    }
}
