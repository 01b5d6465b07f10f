package dev.ntsfarm.farm.keys;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A wall clock the test moves by hand. */
final class MutableClock implements InstantSource {

    private final AtomicLong millis;

    MutableClock(long epochSeconds) {
        this.millis = new AtomicLong(epochSeconds * 1000);
    }

    void setSeconds(long epochSeconds) {
        millis.set(epochSeconds * 1000);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }
}
