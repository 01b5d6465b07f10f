package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ntp.ExtensionField;
import dev.ntsfarm.core.ntp.ExtensionFieldWriter;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.ServerState;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic, insecure keys and randomness for tests only: a server, its state and a client
 * session.
 */
final class InsecureNtsFixture {

    static final long RECEIVE = NtpTimestamp.of(0xEB00_0000L, 0x1234_5678L).bits();
    static final long TRANSMIT = NtpTimestamp.of(0xEB00_0000L, 0x2345_6789L).bits();
    static final long CLIENT_TRANSMIT = 0x4d2ee4b1f1a08c21L;
    static final ServerState STATE =
            new ServerState(
                    LeapIndicator.NO_WARNING,
                    2,
                    4,
                    -20,
                    new NtpShort(0x0000_0123),
                    new NtpShort(0x0000_0456),
                    0x7f7f0101,
                    NtpTimestamp.of(0xEAFF_FFF0L, 0));

    final AeadAlgorithm alg;
    final SessionKeys keys;
    final CookieCodec codec;
    final NtsScratch scratch;
    final NonceSource random;
    final NtpClock clock = () -> TRANSMIT;

    InsecureNtsFixture(AeadAlgorithm alg, long seed) {
        this.alg = alg;
        this.keys =
                SessionKeys.of(
                        alg,
                        insecureBytes(seed, alg.keyLength()),
                        insecureBytes(~seed, alg.keyLength()));
        this.codec = insecureCodec(seed);
        this.scratch = new NtsScratch(insecureNonces(seed + 1));
        this.random = insecureNonces(seed + 2);
    }

    static byte[] insecureBytes(long seed, int len) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    static NonceSource insecureNonces(long seed) {
        Random r = new Random(seed);
        return (buf, off, len) -> {
            for (int i = 0; i < len; i++) {
                buf[off + i] = (byte) r.nextInt();
            }
        };
    }

    static CookieCodec insecureCodec(long seed) {
        FarmSecret secret = FarmSecret.of(insecureBytes(seed * 31 + 7, 32));
        return new CookieCodec(
                MasterKeyRing.of(secret, 100, Map.of(100L, insecureBytes(seed * 17 + 3, 32))),
                insecureNonces(seed * 13 + 5));
    }

    byte[] cookie() {
        byte[] c = new byte[CookieCodec.cookieLength(alg)];
        codec.seal(keys, c, 0);
        return c;
    }

    NtsClientRequest request(int placeholders) {
        return NtsClientRequest.builder()
                .cookie(cookie())
                .placeholders(placeholders)
                .keys(keys)
                .random(random)
                .transmitTimestamp(CLIENT_TRANSMIT)
                .build();
    }

    ServerDecision handle(byte[] req) {
        return handle(req, req.length, new byte[Math.max(req.length, 1)]);
    }

    ServerDecision handle(byte[] req, int len, byte[] out) {
        return NtsResponder.handle(
                req, 0, len, RECEIVE, STATE, codec, scratch, SymmetricKeys.NONE, clock, out);
    }

    /** Assembles a request field by field, for the cases the builder will not make. */
    final class Packet {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Packet(NtpMode mode) {
            byte[] h = new byte[NtpHeader.LENGTH];
            new NtpHeader(
                            LeapIndicator.NO_WARNING,
                            4,
                            mode,
                            0,
                            0,
                            0,
                            NtpShort.ZERO,
                            NtpShort.ZERO,
                            0,
                            NtpTimestamp.ZERO,
                            NtpTimestamp.ZERO,
                            NtpTimestamp.ZERO,
                            new NtpTimestamp(CLIENT_TRANSMIT))
                    .write(h, 0);
            bytes.writeBytes(h);
        }

        Packet field(int type, byte[] body) {
            byte[] f = new byte[ExtensionField.fieldLength(body.length, 0)];
            ExtensionFieldWriter.write(f, 0, type, body, 0, body.length, 0);
            bytes.writeBytes(f);
            return this;
        }

        Packet uid() {
            return field(NtsFieldType.UNIQUE_IDENTIFIER, insecureBytes(99, 32));
        }

        Packet cookie() {
            return field(NtsFieldType.NTS_COOKIE, InsecureNtsFixture.this.cookie());
        }

        Packet placeholders(int n, int length) {
            for (int i = 0; i < n; i++) {
                field(NtsFieldType.COOKIE_PLACEHOLDER, new byte[length]);
            }
            return this;
        }

        Packet auth(byte[] plaintext) {
            byte[] p = bytes.toByteArray();
            byte[] nonce = new byte[alg.nonceLength()];
            random.nextBytes(nonce, 0, nonce.length);
            int fl =
                    AuthenticatorField.fieldLength(
                            alg,
                            nonce.length,
                            plaintext.length,
                            ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
            byte[] out = java.util.Arrays.copyOf(p, p.length + fl);
            AuthenticatorField.write(
                    out,
                    0,
                    p.length,
                    Aead.of(alg, keys.c2s()),
                    nonce,
                    0,
                    nonce.length,
                    plaintext,
                    0,
                    plaintext.length,
                    ExtensionField.MIN_LAST_LENGTH_WITHOUT_MAC);
            bytes.reset();
            bytes.writeBytes(out);
            return this;
        }

        Packet auth() {
            return auth(new byte[0]);
        }

        Packet raw(byte[] b) {
            bytes.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    Packet packet() {
        return new Packet(NtpMode.CLIENT);
    }
}
