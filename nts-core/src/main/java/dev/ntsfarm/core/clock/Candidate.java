package dev.ntsfarm.core.clock;

/**
 * A source as selection sees it.
 *
 * @param stratum  the source's stratum (from its last response)
 * @param reach    its reach register
 * @param leap     the leap indicator of its last response
 * @param estimate its filter's estimate, or null before the first sample
 */
public record Candidate(int stratum, Reach reach, LeapStatus leap, SourceEstimate estimate) {
}
