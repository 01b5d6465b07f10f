package dev.ntsfarm.control;

/**
 * One process of the farm.
 *
 * @param name its cluster address
 * @param role "member" (a Hazelcast member, holding keys) or "client" (a responder)
 * @param local the process answering
 * @param ageMillis since it last published its state; -1 when it never did
 * @param services what it runs, e.g. "nts-ke ntp control"
 */
public record FarmMember(
        String name, String role, boolean local, long ageMillis, String services) {}
