package dev.ntsfarm.agent.source;

/**
 * Where a source's poll outcomes go (the agent's system process); each answer says when to poll next.
 */
public interface SourceListener {

    /** A valid sample arrived; returns seconds until the next poll. */
    double answered(NtpSource source, Sample sample);

    /** The poll went unanswered; returns seconds until the next poll. */
    double unanswered(NtpSource source);

    /** Polls at a fixed interval of 2^minpoll, for sources nobody disciplines with (tests). */
    static SourceListener fixed() {
        return new SourceListener() {
            @Override
            public double answered(NtpSource source, Sample sample) {
                return Math.scalb(1.0, source.directive().minPoll());
            }

            @Override
            public double unanswered(NtpSource source) {
                return Math.scalb(1.0, source.directive().minPoll());
            }
        };
    }
}
