/**
 * The farm's master keys (DESIGN section 3): {@link dev.ntsfarm.farm.keys.FarmCluster} joins the
 * Hazelcast cluster named by the {@code cluster} directives, {@link dev.ntsfarm.farm.keys.FarmKeys}
 * keeps the slot seeds in it (created with {@code putIfAbsent}, advanced early with a
 * compare-and-set pointer, dumped to {@code ntsdumpdir}) and serves an immutable key ring snapshot
 * through {@link dev.ntsfarm.farm.keys.KeyRingSource}, and {@link
 * dev.ntsfarm.farm.keys.FarmSecretFile} reads the local secret that turns seeds into working keys.
 */
package dev.ntsfarm.farm.keys;
