/**
 * The clock agent's arithmetic, as pure functions and small state machines: the per-source clock
 * filter, the reach register and poll schedule, source selection (intersection, clustering,
 * combining), the discipline that turns a combined offset into clock corrections, the tracking
 * report, the drift file and chronyc's column formats.
 *
 * <p>Sign conventions, stated once: a {@link dev.ntsfarm.core.clock.Sample}'s offset is RFC 5905's
 * theta, the source's time minus the local time (positive: the local clock is behind), and so are
 * the filter's and the selection's offsets. The reports ({@link dev.ntsfarm.core.clock.Tracking},
 * {@link dev.ntsfarm.core.clock.SourceReport}) use chronyc's conventions, which are noted on each
 * field. Times of measurement are the local clock's nanoseconds since the Unix epoch; durations and
 * offsets are seconds as doubles.
 */
package dev.ntsfarm.core.clock;
