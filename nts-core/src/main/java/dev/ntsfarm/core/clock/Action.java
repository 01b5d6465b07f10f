package dev.ntsfarm.core.clock;

/**
 * What the clock core asks of its caller, who owns sockets, timers, TLS, files and the process.
 * Each call into an {@link NtpSource} or the {@link SystemProcess} returns a list of these, in
 * order.
 */
public sealed interface Action {

    /**
     * Send {@code packet} to the source (its address and port are the caller's, see {@link
     * NtpSource#ntpPort()}).
     */
    record Send(NtpSource source, byte[] packet) implements Action {}

    /** Call {@link NtpSource#onTimer} in {@code seconds}; replaces the source's previous timer. */
    record SetTimer(NtpSource source, double seconds) implements Action {}

    /** The source has no poll due (it went offline): cancel its timer. */
    record CancelTimer(NtpSource source) implements Action {}

    /**
     * Run NTS-KE for the source and report with {@link NtpSource#onKeyEstablished} or a failure.
     */
    record StartKeyEstablishment(NtpSource source) implements Action {}

    /**
     * Take the source away for good (an authenticated kiss-o'-death DENY or RSTR); why is for the
     * log.
     */
    record Demobilize(NtpSource source, String reason) implements Action {}

    /**
     * Call {@link SystemProcess#onSlewTimer} in {@code seconds}; replaces the previous slew timer.
     */
    record SlewTimer(double seconds) implements Action {}

    /**
     * Something the operator should read, as chronyd logs it ("System clock was stepped by ...").
     */
    record Notice(String message) implements Action {}

    /** Write the drift file with {@code content} (off the event loop: it is a file write). */
    record SaveDriftfile(String content) implements Action {}

    /** Write the source's NTS state to {@code ntsdumpdir} (off the event loop). */
    record SaveNtsState(NtpSource source) implements Action {}

    /**
     * {@code -Q}/{@code -q} is done: the clock was found wrong by {@code wrongBy} seconds
     * (positive: behind; NaN when no source could be used), and with {@code -q} {@code stepped}
     * says whether it was corrected. {@code failure} is null on success, else what went wrong.
     */
    record OneShotDone(double wrongBy, boolean stepped, String failure) implements Action {}

    /** Stop with a failure, as chronyd exits ({@code maxchange} exceeded once too often). */
    record Exit(String message) implements Action {}
}
