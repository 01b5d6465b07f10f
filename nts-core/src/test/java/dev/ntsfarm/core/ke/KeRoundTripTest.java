package dev.ntsfarm.core.ke;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class KeRoundTripTest {

    @Property
    void anyRecordsFrameBackToThemselves(@ForAll("records") List<KeRecord> records) {
        List<KeRecord> message = new ArrayList<>(records);
        message.add(KeRecord.endOfMessage());
        byte[] bytes = KeMessage.encode(message);

        KeFrame.Complete c =
                assertInstanceOf(
                        KeFrame.Complete.class, KeRecordFramer.frame(bytes, 0, bytes.length));
        assertEquals(bytes.length, c.consumed());
        assertEquals(message, c.records());
        assertArrayEquals(bytes, KeMessage.encode(c.records()));
    }

    @Property
    void anyPrefixOfAMessageNeedsMoreData(
            @ForAll("records") List<KeRecord> records,
            @ForAll @IntRange(min = 0, max = 1_000_000) int cut) {
        List<KeRecord> message = new ArrayList<>(records);
        message.add(KeRecord.endOfMessage());
        byte[] bytes = KeMessage.encode(message);
        int len = cut % bytes.length;
        assertInstanceOf(KeFrame.NeedsMoreData.class, KeRecordFramer.frame(bytes, 0, len));
    }

    @Property
    void clientRequestsValidateToWhatWasAsked(@ForAll("requests") KeClientRequest request) {
        byte[] bytes = request.encode();
        KeFrame.Complete c =
                assertInstanceOf(
                        KeFrame.Complete.class, KeRecordFramer.frame(bytes, 0, bytes.length));
        KeRequestVerdict.Accepted a =
                assertInstanceOf(KeRequestVerdict.Accepted.class, KeRequest.validate(c.records()));

        assertEquals(List.of(KeProtocol.NEXT_PROTOCOL_NTPV4), a.protocols());
        assertEquals(request.aeads().stream().map(AeadAlgorithm::id).toList(), a.aeadIds());
        assertEquals(request.server(), a.server());
        assertEquals(request.port(), a.port());
        assertEquals(request.sendsCompliantGcmSiv(), a.compliantGcmSiv());
    }

    @Property
    void serverResponsesParseToWhatWasSent(
            @ForAll AeadAlgorithm aead,
            @ForAll boolean compliant,
            @ForAll("cookies") List<byte[]> cookies,
            @ForAll("servers") Optional<String> server,
            @ForAll("ports") OptionalInt port) {
        byte[] bytes = KeResponse.accepted(aead, compliant, cookies, server, port).encode();
        KeFrame.Complete c =
                assertInstanceOf(
                        KeFrame.Complete.class,
                        KeRecordFramer.frame(
                                bytes, 0, bytes.length, KeLimits.MIN_ACCEPTED_RESPONSE_LENGTH));
        assertEquals(bytes.length, c.consumed());

        KeResponseResult result =
                KeResponseParser.parse(c.records(), List.of(AeadAlgorithm.values()));
        boolean echoed = compliant && aead == AeadAlgorithm.AES_128_GCM_SIV;
        assertEquals(new KeResponseResult.Accepted(aead, cookies, server, port, echoed), result);
    }

    @Provide
    Arbitrary<List<KeRecord>> records() {
        Arbitrary<KeRecord> record =
                Combinators.combine(
                                Arbitraries.of(true, false),
                                Arbitraries.oneOf(
                                        Arbitraries.integers().between(1, 7),
                                        Arbitraries.just(1024),
                                        Arbitraries.integers().between(1, KeRecordType.MAX_TYPE)),
                                Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                        .as(KeRecord::new);
        return record.list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<KeClientRequest> requests() {
        return Combinators.combine(
                        Arbitraries.of(AeadAlgorithm.class)
                                .list()
                                .uniqueElements()
                                .ofMinSize(1)
                                .ofMaxSize(4),
                        servers(),
                        ports(),
                        Arbitraries.of(true, false))
                .as(KeClientRequest::new);
    }

    @Provide
    Arbitrary<List<byte[]>> cookies() {
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(1)
                .ofMaxSize(KeLimits.MAX_COOKIE_LENGTH)
                .list()
                .ofMinSize(1)
                .ofMaxSize(KeLimits.MAX_COOKIES);
    }

    @Provide
    Arbitrary<Optional<String>> servers() {
        return Arbitraries.strings()
                .withCharRange('!', '~')
                .ofMinLength(1)
                .ofMaxLength(KeLimits.MAX_SERVER_NAME_LENGTH)
                .optional();
    }

    @Provide
    Arbitrary<OptionalInt> ports() {
        return Arbitraries.integers()
                .between(1, 65535)
                .optional()
                .map(o -> o.map(OptionalInt::of).orElse(OptionalInt.empty()));
    }
}
