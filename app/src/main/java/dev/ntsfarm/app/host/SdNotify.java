package dev.ntsfarm.app.host;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * systemd's readiness protocol ({@code sd_notify(3)}): one datagram of {@code KEY=VALUE} lines to
 * the Unix socket that {@code NOTIFY_SOCKET} names, so a {@code Type=notify} unit is "started" only
 * once the service listens. Without {@code NOTIFY_SOCKET} (not run by systemd) it does nothing.
 * Java has no Unix datagram sockets, so the three system calls go through the foreign function
 * interface.
 */
public final class SdNotify {

    private static final System.Logger LOG = System.getLogger(SdNotify.class.getName());
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;

    /** {@code sizeof(struct sockaddr_un)} on Linux: a 2-byte family and 108 bytes of path. */
    private static final int SOCKADDR_UN_SIZE = 110;

    private static final int MAX_PATH = 107;

    private final String socket;

    private SdNotify(String socket) {
        this.socket = socket;
    }

    /** The notifier of this process's environment. */
    public static SdNotify fromEnvironment() {
        return of(System.getenv());
    }

    static SdNotify of(Map<String, String> env) {
        String s = env.get("NOTIFY_SOCKET");
        return new SdNotify(s == null || s.isEmpty() ? null : s);
    }

    /** Whether a service manager listens. */
    public boolean enabled() {
        return socket != null;
    }

    /** {@code READY=1} with a status line for {@code systemctl status}. */
    public void ready(String status) {
        send(
                "READY=1\nSTATUS="
                        + status.replace('\n', ' ')
                        + "\nMAINPID="
                        + ProcessHandle.current().pid()
                        + "\n");
    }

    /** {@code STOPPING=1}: the service drains and stops. */
    public void stopping() {
        send("STOPPING=1\n");
    }

    /** {@code RELOADING=1}, then {@link #ready} again once the reload is done. */
    public void reloading() {
        send("RELOADING=1\n");
    }

    /**
     * Sends one notification; a failure is logged, never thrown: the service runs the same whether
     * or not its manager heard it.
     *
     * @return whether the datagram was sent
     */
    public boolean send(String state) {
        if (socket == null) {
            return false;
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path.length > MAX_PATH || !(path[0] == '/' || path[0] == '@')) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "NOTIFY_SOCKET is not a Unix socket path: " + socket);
            return false;
        }
        if (path[0] == '@') {
            path[0] = 0; // the abstract namespace
        }
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MethodHandle socketCall =
                    linker.downcallHandle(
                            libc.find("socket").orElseThrow(),
                            FunctionDescriptor.of(
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.JAVA_INT));
            MethodHandle sendto =
                    linker.downcallHandle(
                            libc.find("sendto").orElseThrow(),
                            FunctionDescriptor.of(
                                    ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.ADDRESS,
                                    ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.ADDRESS,
                                    ValueLayout.JAVA_INT));
            MethodHandle close =
                    linker.downcallHandle(
                            libc.find("close").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int fd = (int) socketCall.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                LOG.log(System.Logger.Level.WARNING, "sd_notify: no Unix datagram socket");
                return false;
            }
            try {
                MemorySegment addr = arena.allocate(SOCKADDR_UN_SIZE);
                addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(path, 0, addr, ValueLayout.JAVA_BYTE, 2, path.length);
                byte[] msg = state.getBytes(StandardCharsets.UTF_8);
                MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, msg);
                int addrLen = 2 + path.length + (path[0] == 0 ? 0 : 1);
                long sent = (long) sendto.invokeExact(fd, buf, (long) msg.length, 0, addr, addrLen);
                if (sent != msg.length) {
                    LOG.log(System.Logger.Level.WARNING, "sd_notify: could not send to " + socket);
                    return false;
                }
                return true;
            } finally {
                int ignored = (int) close.invokeExact(fd);
            }
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "sd_notify: " + e);
            return false;
        }
    }
}
