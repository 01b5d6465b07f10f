package dev.ntsfarm.core.ke;

import java.util.List;

/** What {@link KeRecordFramer} makes of the bytes read so far. */
public sealed interface KeFrame {

    /** No End of Message yet, and nothing wrong so far: read more from the TLS stream. */
    record NeedsMoreData() implements KeFrame {
        static final NeedsMoreData INSTANCE = new NeedsMoreData();
    }

    /** The bytes can never become a message within the limit; close the session. */
    record Malformed(String reason) implements KeFrame {}

    /**
     * A whole message: {@code records} end with End of Message, and they took the first {@code
     * consumed} bytes; bytes after that are not part of this message.
     */
    record Complete(List<KeRecord> records, int consumed) implements KeFrame {
        public Complete {
            records = List.copyOf(records);
        }
    }
}
