package dev.ntsfarm.core.ntp;

/** The time source of a responder, passed in so every decision is testable without a real clock. */
@FunctionalInterface
public interface NtpClock {

    /** Now, as 64-bit NTP timestamp bits. */
    long nowNtp();
}
