package dev.ntsfarm.ke.service;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ke.KeErrorCode;
import dev.ntsfarm.core.ke.KeFrame;
import dev.ntsfarm.core.ke.KeLimits;
import dev.ntsfarm.core.ke.KeRecordFramer;
import dev.ntsfarm.core.ke.KeRequest;
import dev.ntsfarm.core.ke.KeRequestVerdict;
import dev.ntsfarm.core.ke.KeResponse;
import dev.ntsfarm.core.ke.NtsExporter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One NTS-KE session's protocol side, free of sockets: bytes in as they arrive, at most one answer
 * out (RFC 8915 section 4). The caller owns the TLS connection, the exporter and the timers.
 */
final class KeExchange {

    /** The TLS exporter of the session (RFC 5705), as JDK 25 offers it on the session. */
    @FunctionalInterface
    interface Exporter {
        byte[] export(String label, byte[] context, int length) throws Exception;
    }

    /** What {@link #offer} made of the bytes so far. */
    sealed interface Step {
        /** Keep reading. */
        record NeedMore() implements Step {}

        /** Write {@code response}, then close; {@code outcome} says what kind of answer it is. */
        record Answer(byte[] response, Outcome outcome, String reason) implements Step {}
    }

    /** The closed set of ways a session ends with an answer. */
    enum Outcome {
        /** Cookies handed out. */
        COOKIES,
        /** No common protocol or AEAD: an empty negotiation record. */
        NO_AGREEMENT,
        /** An Error record. */
        ERROR
    }

    static final Step NEED_MORE = new Step.NeedMore();
    private static final int INITIAL_BUFFER = 1024;

    private final KeServerPolicy policy;
    private final int maxMessageLength;
    private byte[] buf = new byte[INITIAL_BUFFER];
    private int len;
    private boolean answered;

    KeExchange(KeServerPolicy policy, int maxMessageLength) {
        this.policy = policy;
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * Takes the next bytes of the request. Once an answer is given, further bytes are ignored
     * ({@link #NEED_MORE}); the caller closes after writing the answer.
     */
    Step offer(byte[] data, int off, int n, Exporter exporter, CookieCodec codec) {
        if (answered) {
            return NEED_MORE;
        }
        int keep = Math.min(n, maxMessageLength + 1 - len);
        if (len + keep > buf.length) {
            buf =
                    Arrays.copyOf(
                            buf,
                            Math.min(maxMessageLength + 1, Math.max(buf.length * 2, len + keep)));
        }
        System.arraycopy(data, off, buf, len, keep);
        len += keep;
        KeFrame frame = KeRecordFramer.frame(buf, 0, len, maxMessageLength);
        return switch (frame) {
            case KeFrame.NeedsMoreData m ->
                    len > maxMessageLength
                            ? error(
                                    KeErrorCode.BAD_REQUEST,
                                    "request longer than " + maxMessageLength + " bytes")
                            : NEED_MORE;
            case KeFrame.Malformed m -> error(KeErrorCode.BAD_REQUEST, m.reason());
            case KeFrame.Complete c -> answer(KeRequest.validate(c.records()), exporter, codec);
        };
    }

    private Step answer(KeRequestVerdict verdict, Exporter exporter, CookieCodec codec) {
        return switch (verdict) {
            case KeRequestVerdict.Rejected r -> error(r.error(), r.reason());
            case KeRequestVerdict.NoCommonProtocol p ->
                    done(
                            KeResponse.noCommonProtocol().encode(),
                            Outcome.NO_AGREEMENT,
                            "no common next protocol in " + p.protocols());
            case KeRequestVerdict.Accepted a -> {
                Optional<AeadAlgorithm> chosen = a.chooseAead(policy.aeads());
                if (chosen.isEmpty()) {
                    yield done(
                            KeResponse.noCommonAead().encode(),
                            Outcome.NO_AGREEMENT,
                            "no common AEAD in " + a.aeadIds());
                }
                yield cookies(chosen.get(), a.compliantExport(chosen.get()), exporter, codec);
            }
        };
    }

    private Step cookies(
            AeadAlgorithm aead, boolean compliant, Exporter exporter, CookieCodec codec) {
        byte[] c2s = null;
        byte[] s2c = null;
        try {
            c2s =
                    exporter.export(
                            NtsExporter.LABEL,
                            NtsExporter.context(aead, false, compliant),
                            aead.keyLength());
            s2c =
                    exporter.export(
                            NtsExporter.LABEL,
                            NtsExporter.context(aead, true, compliant),
                            aead.keyLength());
            SessionKeys keys = SessionKeys.of(aead, c2s, s2c);
            int cookieLength = CookieCodec.cookieLength(aead);
            List<byte[]> cookies = new ArrayList<>(KeLimits.COOKIES_PER_RESPONSE);
            for (int i = 0; i < KeLimits.COOKIES_PER_RESPONSE; i++) {
                byte[] cookie = new byte[cookieLength];
                codec.seal(keys, cookie, 0);
                cookies.add(cookie);
            }
            keys.set(aead, new byte[aead.keyLength()], 0, new byte[aead.keyLength()], 0);
            byte[] response =
                    KeResponse.accepted(
                                    aead, compliant, cookies, policy.ntpServer(), policy.ntpPort())
                            .encode();
            return done(response, Outcome.COOKIES, aead + (compliant ? " (compliant export)" : ""));
        } catch (Exception e) {
            return error(KeErrorCode.INTERNAL_SERVER_ERROR, "key export failed: " + e);
        } finally {
            if (c2s != null) {
                Arrays.fill(c2s, (byte) 0);
            }
            if (s2c != null) {
                Arrays.fill(s2c, (byte) 0);
            }
        }
    }

    private Step error(KeErrorCode code, String reason) {
        return done(KeResponse.error(code).encode(), Outcome.ERROR, reason);
    }

    private Step done(byte[] response, Outcome outcome, String reason) {
        answered = true;
        buf = null;
        return new Step.Answer(response, outcome, reason);
    }

    /** What the server answers with, the same for every session. */
    record KeServerPolicy(
            List<AeadAlgorithm> aeads, Optional<String> ntpServer, OptionalInt ntpPort) {
        KeServerPolicy {
            aeads = List.copyOf(aeads);
        }
    }
}
