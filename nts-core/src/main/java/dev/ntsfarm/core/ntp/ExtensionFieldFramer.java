package dev.ntsfarm.core.ntp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Frames a whole packet into extension fields and an optional MAC, as a value (RFC 7822). */
public final class ExtensionFieldFramer {

    private ExtensionFieldFramer() {}

    /** The outcome of framing. */
    public sealed interface Framing {
        /** Every field in order, and the MAC trailer when the packet ends with one. */
        record Framed(List<RawExtensionField> fields, Optional<MacTrailer> mac) implements Framing {
            public Framed {
                fields = List.copyOf(fields);
            }
        }

        /**
         * The packet cannot be framed; {@code offset} is where it went wrong, relative to the
         * packet.
         */
        record Malformed(Malformation reason, int offset) implements Framing {}
    }

    public static Framing frame(byte[] buf, int off, int len) {
        ExtensionFieldCursor cursor = new ExtensionFieldCursor();
        if (cursor.reset(buf, off, len) == ExtensionFieldCursor.Step.MALFORMED) {
            return new Framing.Malformed(cursor.malformation(), 0);
        }
        List<RawExtensionField> fields = new ArrayList<>();
        int lastEnd = off + Math.min(len, NtpHeader.LENGTH);
        while (true) {
            switch (cursor.next()) {
                case FIELD -> {
                    fields.add(cursor.field());
                    lastEnd = cursor.fieldOffset() + cursor.fieldLength();
                }
                case MAC -> {
                    return new Framing.Framed(fields, Optional.of(cursor.macTrailer()));
                }
                case END -> {
                    return new Framing.Framed(fields, Optional.empty());
                }
                case MALFORMED -> {
                    return new Framing.Malformed(cursor.malformation(), lastEnd - off);
                }
            }
        }
    }
}
