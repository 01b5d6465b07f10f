package dev.ntsfarm.farm.keys;

import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The farm's entries in the cluster, each authenticated under a key derived from the farm secret
 * (DESIGN section 3), so a peer that reaches the cluster port can junk, drop or replay entries but
 * cannot make one. Every entry is a {@code byte[]} (the only value type the farm stores),
 * big-endian:
 *
 * <pre>
 *   seed      'S' | version 1 | slot u32 | length u8 | seed (16..64) | MAC 32
 *   pointer   'P' | version 1 | slot u32 | MAC 32
 *   presence  'M' | version 1 | time slot u32 | unix seconds u64 | MAC 32     (a member's clock)
 *   fingerprint 'F' | version 1 | fingerprint 32                                (itself a MAC)
 *   board     'B' | version 1 | length u16 | body | MAC 32                     (a process's published state)
 * </pre>
 *
 * The MAC is HMAC-SHA256 under {@code FarmSecret.derive("cluster entry mac")} over the entry's
 * bytes before it, preceded by what the entry is stored under (the slot is inside; a presence's
 * member id is mixed in; a board entry's key too), so an entry moved to another key fails. The
 * fingerprint is the MAC of a fixed text: equal fingerprints mean equal secrets, and it tells
 * nothing else about the secret.
 *
 * <p>Outside this package, the control plane's board (each process's counters) seals its entries
 * here too ({@link #board}, {@link #openBoard}): one MAC scheme for everything the farm stores.
 */
public final class FarmEntries {

    static final byte SEED = 'S';
    static final byte POINTER = 'P';
    static final byte PRESENCE = 'M';
    static final byte FINGERPRINT = 'F';
    static final byte BOARD = 'B';

    /** The largest body a board entry carries. */
    public static final int MAX_BOARD_BODY = 65535;

    static final byte VERSION = 1;
    static final int MAC_LENGTH = 32;
    static final int POINTER_LENGTH = 2 + 4 + MAC_LENGTH;
    static final int PRESENCE_LENGTH = 2 + 4 + 8 + MAC_LENGTH;
    static final int FINGERPRINT_LENGTH = 2 + MAC_LENGTH;
    private static final byte[] FINGERPRINT_TEXT =
            "ntsfarm farm secret fingerprint v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec macKey;
    private final byte[] fingerprint;

    /** The entries of the farm that shares {@code secret}. */
    public FarmEntries(FarmSecret secret) {
        byte[] key = secret.derive("cluster entry mac");
        this.macKey = new SecretKeySpec(key, "HmacSHA256");
        Arrays.fill(key, (byte) 0);
        this.fingerprint = mac(new byte[0], FINGERPRINT_TEXT, FINGERPRINT_TEXT.length);
    }

    /** What a raw value turned out to be. */
    public sealed interface Opened<T> permits Valid, Damaged {}

    /** An entry that checked out. */
    public record Valid<T>(T value) implements Opened<T> {
        @Override
        public String toString() {
            return "Valid";
        }
    }

    /** An entry that did not, and why (never with its bytes). */
    public record Damaged<T>(String reason) implements Opened<T> {}

    /** A member's published clock. */
    record Presence(long timeSlot, long unixSeconds) {}

    // ---- seeds

    byte[] seed(long slot, byte[] seed) {
        checkSlot(slot);
        if (seed.length < MasterKeyRing.MIN_SEED_LENGTH
                || seed.length > MasterKeyRing.MAX_SEED_LENGTH) {
            throw new IllegalArgumentException("seed of " + seed.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(7 + seed.length + MAC_LENGTH);
        b.put(SEED).put(VERSION).putInt((int) slot).put((byte) seed.length).put(seed);
        return seal(b, new byte[0]);
    }

    /** Opens the raw value stored under {@code slot}: its seed (a copy) when valid. */
    Opened<byte[]> openSeed(long slot, Object raw) {
        if (!(raw instanceof byte[] b)) {
            return wrongType(raw);
        }
        if (b.length < 7 + MAC_LENGTH || b[0] != SEED) {
            return new Damaged<>("not a seed entry (" + b.length + " bytes)");
        }
        if (b[1] != VERSION) {
            return new Damaged<>("seed entry version " + b[1] + " (expected: " + VERSION + ")");
        }
        int length = b[6] & 0xff;
        if (length < MasterKeyRing.MIN_SEED_LENGTH
                || length > MasterKeyRing.MAX_SEED_LENGTH
                || b.length != 7 + length + MAC_LENGTH) {
            return new Damaged<>(
                    "seed entry of " + b.length + " bytes with a seed length of " + length);
        }
        if (u32(b, 2) != slot) {
            return new Damaged<>("seed entry of slot " + u32(b, 2) + " stored under slot " + slot);
        }
        if (!verify(b, new byte[0])) {
            return new Damaged<>("seed entry fails its MAC");
        }
        return new Valid<>(Arrays.copyOfRange(b, 7, 7 + length));
    }

    // ---- pointer

    byte[] pointer(long slot) {
        checkSlot(slot);
        ByteBuffer b = ByteBuffer.allocate(POINTER_LENGTH);
        b.put(POINTER).put(VERSION).putInt((int) slot);
        return seal(b, new byte[0]);
    }

    Opened<Long> openPointer(Object raw) {
        if (!(raw instanceof byte[] b)) {
            return wrongType(raw);
        }
        if (b.length != POINTER_LENGTH || b[0] != POINTER || b[1] != VERSION) {
            return new Damaged<>("not a pointer entry (" + b.length + " bytes)");
        }
        if (!verify(b, new byte[0])) {
            return new Damaged<>("pointer entry fails its MAC");
        }
        return new Valid<>(u32(b, 2));
    }

    // ---- presence

    byte[] presence(String member, long timeSlot, long unixSeconds) {
        ByteBuffer b = ByteBuffer.allocate(PRESENCE_LENGTH);
        b.put(PRESENCE)
                .put(VERSION)
                .putInt((int) Math.min(Math.max(timeSlot, 0), MasterKeyRing.MAX_SLOT))
                .putLong(unixSeconds);
        return seal(b, member.getBytes(StandardCharsets.UTF_8));
    }

    Opened<Presence> openPresence(String member, Object raw) {
        if (!(raw instanceof byte[] b)) {
            return wrongType(raw);
        }
        if (b.length != PRESENCE_LENGTH || b[0] != PRESENCE || b[1] != VERSION) {
            return new Damaged<>("not a presence entry (" + b.length + " bytes)");
        }
        if (!verify(b, member.getBytes(StandardCharsets.UTF_8))) {
            return new Damaged<>("presence entry fails its MAC");
        }
        return new Valid<>(new Presence(u32(b, 2), ByteBuffer.wrap(b, 6, 8).getLong()));
    }

    // ---- board

    /**
     * A board entry: {@code body} (the caller's own layout) sealed for the key {@code storedUnder}.
     *
     * @throws IllegalArgumentException for a body over {@link #MAX_BOARD_BODY} bytes or a key over
     *     255 bytes
     */
    public byte[] board(String storedUnder, byte[] body) {
        if (body.length > MAX_BOARD_BODY) {
            throw new IllegalArgumentException("board entry body of " + body.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(4 + body.length + MAC_LENGTH);
        b.put(BOARD).put(VERSION).putShort((short) body.length).put(body);
        return seal(b, context(storedUnder));
    }

    /** Opens the raw value stored under {@code storedUnder}: its body (a copy) when valid. */
    public Opened<byte[]> openBoard(String storedUnder, Object raw) {
        if (!(raw instanceof byte[] b)) {
            return wrongType(raw);
        }
        if (b.length < 4 + MAC_LENGTH || b[0] != BOARD) {
            return new Damaged<>("not a board entry (" + b.length + " bytes)");
        }
        if (b[1] != VERSION) {
            return new Damaged<>("board entry version " + b[1] + " (expected: " + VERSION + ")");
        }
        int length = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (b.length != 4 + length + MAC_LENGTH) {
            return new Damaged<>(
                    "board entry of " + b.length + " bytes with a body length of " + length);
        }
        byte[] context = storedUnder.getBytes(StandardCharsets.UTF_8);
        if (context.length > 255 || !verify(b, context)) {
            return new Damaged<>("board entry fails its MAC");
        }
        return new Valid<>(Arrays.copyOfRange(b, 4, 4 + length));
    }

    private static byte[] context(String storedUnder) {
        byte[] context = storedUnder.getBytes(StandardCharsets.UTF_8);
        if (context.length > 255) {
            throw new IllegalArgumentException(
                    "a key of " + context.length + " bytes (expected: at most 255)");
        }
        return context;
    }

    // ---- fingerprint

    /** This secret's fingerprint entry. */
    byte[] fingerprintEntry() {
        ByteBuffer b = ByteBuffer.allocate(FINGERPRINT_LENGTH);
        b.put(FINGERPRINT).put(VERSION).put(fingerprint);
        return b.array();
    }

    /**
     * The first 8 bytes of this secret's fingerprint in hex: enough to tell farms apart in a log.
     */
    String fingerprintHex() {
        return HexFormat.of().formatHex(fingerprint, 0, 8);
    }

    /** What a published fingerprint says about this secret. */
    sealed interface FingerprintCheck permits SameSecret, OtherSecret, DamagedFingerprint {}

    record SameSecret() implements FingerprintCheck {}

    /**
     * A well-formed fingerprint of another secret (or a forged one); {@code hex} as {@link
     * #fingerprintHex}.
     */
    record OtherSecret(String hex) implements FingerprintCheck {}

    record DamagedFingerprint(String reason) implements FingerprintCheck {}

    FingerprintCheck checkFingerprint(Object raw) {
        if (!(raw instanceof byte[] b)) {
            return new DamagedFingerprint(((Damaged<?>) wrongType(raw)).reason());
        }
        if (b.length != FINGERPRINT_LENGTH || b[0] != FINGERPRINT || b[1] != VERSION) {
            return new DamagedFingerprint("not a fingerprint entry (" + b.length + " bytes)");
        }
        if (MessageDigest.isEqual(Arrays.copyOfRange(b, 2, b.length), fingerprint)) {
            return new SameSecret();
        }
        return new OtherSecret(HexFormat.of().formatHex(b, 2, 10));
    }

    // ---- common

    private static <T> Damaged<T> wrongType(Object raw) {
        return new Damaged<>("value of type " + raw.getClass().getName() + " (expected: byte[])");
    }

    private static void checkSlot(long slot) {
        if (slot < 0 || slot > MasterKeyRing.MAX_SLOT) {
            throw new IllegalArgumentException("slot " + slot);
        }
    }

    private byte[] seal(ByteBuffer body, byte[] context) {
        int n = body.position();
        byte[] out = body.array();
        System.arraycopy(mac(context, out, n), 0, out, n, MAC_LENGTH);
        return out;
    }

    private boolean verify(byte[] entry, byte[] context) {
        int n = entry.length - MAC_LENGTH;
        return MessageDigest.isEqual(
                mac(context, entry, n), Arrays.copyOfRange(entry, n, entry.length));
    }

    private byte[] mac(byte[] context, byte[] data, int length) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(macKey);
            hmac.update((byte) context.length);
            hmac.update(context);
            hmac.update(data, 0, length);
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without HmacSHA256", e);
        }
    }

    private static long u32(byte[] b, int off) {
        return ((b[off] & 0xffL) << 24)
                | ((b[off + 1] & 0xff) << 16)
                | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }

    @Override
    public String toString() {
        return "FarmEntries[fingerprint " + fingerprintHex() + "]";
    }
}
