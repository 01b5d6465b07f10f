/**
 * The NTS-KE service (RFC 8915 section 4) as a thin Vert.x adapter over nts-core's {@code
 * dev.ntsfarm.core.ke}: {@link dev.ntsfarm.ke.service.NtsKeServer} owns the TLS listeners, timers
 * and limits; the protocol decisions are nts-core's; cookies are sealed under the ring a {@link
 * dev.ntsfarm.farm.keys.KeyRingSource} hands out.
 */
package dev.ntsfarm.ke.service;
