package dev.ntsfarm.core.ke;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Big-endian field access and the body encodings NTS-KE records share. */
final class KeWire {

    private KeWire() {}

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    /** A body of u16 values (sections 4.1.2 and 4.1.5), or {@code null} when its length is odd. */
    static List<Integer> u16List(byte[] body) {
        if (body.length % 2 != 0) {
            return null;
        }
        List<Integer> out = new ArrayList<>(body.length / 2);
        for (int i = 0; i < body.length; i += 2) {
            out.add(u16(body, i));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * A server name (section 4.1.7) when the body is 1 to 255 printable ASCII characters without
     * spaces, as chrony checks it; else {@code null}.
     */
    static String serverName(byte[] body) {
        if (body.length == 0 || body.length > KeLimits.MAX_SERVER_NAME_LENGTH) {
            return null;
        }
        for (byte b : body) {
            if (b < 0x21 || b > 0x7E) {
                return null;
            }
        }
        return new String(body, StandardCharsets.US_ASCII);
    }

    static boolean isServerName(String name) {
        return name.length() <= KeLimits.MAX_SERVER_NAME_LENGTH
                && serverName(name.getBytes(StandardCharsets.ISO_8859_1)) != null
                && name.chars().allMatch(c -> c < 0x80);
    }

    static boolean isPort(int port) {
        return port >= 1 && port <= 0xFFFF;
    }
}
