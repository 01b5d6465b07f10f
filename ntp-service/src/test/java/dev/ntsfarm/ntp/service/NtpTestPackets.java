package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.keyfile.NtpMac;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.nts.NtsClientRequest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests for the responder tests: plain, MAC-signed and NTS, each with a unique transmit
 * timestamp.
 */
final class NtpTestPackets {

    static final SecureRandom RANDOM = new SecureRandom();
    static final NonceSource NONCES = NonceSource.of(RANDOM);
    private static final AtomicLong NEXT_TRANSMIT =
            new AtomicLong(RANDOM.nextLong() & 0x7FFF_FFFF_0000_0000L);

    private NtpTestPackets() {}

    /** A transmit timestamp no other request of this run has. */
    static long uniqueTransmit() {
        return NEXT_TRANSMIT.addAndGet(0x1_0000L);
    }

    /** An NTPv4 mode 3 request with transmit timestamp {@code transmit}. */
    static byte[] plain(long transmit) {
        byte[] p = new byte[NtpHeader.LENGTH];
        p[0] = 0x23; // leap 0, version 4, mode 3
        p[2] = 6;
        NtpTimestamp.writeBits(transmit, p, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
        return p;
    }

    /** A plain request signed with {@code key} as chronyd's {@code server ... key N} does. */
    static byte[] signed(long transmit, SymmetricKey key) {
        byte[] head = plain(transmit);
        byte[] p = Arrays.copyOf(head, NtpHeader.LENGTH + key.algorithm().trailerLength(4));
        NtpMac.writeTrailer(key, 4, p, 0, NtpHeader.LENGTH, p, NtpHeader.LENGTH);
        return p;
    }

    /** A fresh ring under a fresh random farm secret. */
    static MasterKeyRing ring(long slot) {
        byte[] secret = new byte[32];
        byte[] seed = new byte[32];
        RANDOM.nextBytes(secret);
        RANDOM.nextBytes(seed);
        return MasterKeyRing.of(FarmSecret.of(secret), slot, Map.of(slot, seed));
    }

    static SessionKeys sessionKeys(AeadAlgorithm alg) {
        byte[] c2s = new byte[alg.keyLength()];
        byte[] s2c = new byte[alg.keyLength()];
        RANDOM.nextBytes(c2s);
        RANDOM.nextBytes(s2c);
        return SessionKeys.of(alg, c2s, s2c);
    }

    static byte[] cookie(MasterKeyRing ring, SessionKeys keys) {
        byte[] c = new byte[CookieCodec.cookieLength(keys.algorithm())];
        new CookieCodec(ring, NONCES).seal(keys, c, 0);
        return c;
    }

    static NtsClientRequest nts(MasterKeyRing ring, SessionKeys keys, int placeholders) {
        return NtsClientRequest.builder()
                .cookie(cookie(ring, keys))
                .keys(keys)
                .placeholders(placeholders)
                .random(NONCES)
                .transmitTimestamp(uniqueTransmit())
                .build();
    }

    static long origin(byte[] reply) {
        return NtpHeader.originTimestamp(reply, 0);
    }

    static int stratum(byte[] reply) {
        return NtpHeader.stratum(reply, 0);
    }

    static int refid(byte[] reply) {
        return NtpHeader.referenceId(reply, 0);
    }

    static int leap(byte[] reply) {
        return (reply[0] & 0xFF) >>> 6;
    }

    static long u32(byte[] b, int off) {
        return Bytes.u32(b, off);
    }
}
