package dev.ntsfarm.core.ntp;

/**
 * What the server says about its clock, now: the host's sync state as a reply header needs it.
 * Called for every request, from every thread; an implementation returns the same instance until
 * the state changes, so the hot path allocates nothing.
 */
@FunctionalInterface
public interface ServerStateSource {

    ServerState current(long nowNtp);
}
