package dev.ntsfarm.farm.keys;

import com.hazelcast.core.HazelcastInstance;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.KeyDump;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.file.PrivateFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The farm's master keys as this process sees them (DESIGN section 3): an immutable
 * {@link MasterKeyRing} snapshot built from the shared seeds and the local farm secret, swapped
 * atomically, read with one volatile load ({@link #current()}).
 *
 * <h2>Slots</h2>
 * The time slot is {@code floor(unix_seconds / ntsrotate)} (0 forever when {@code ntsrotate} is 0). A
 * pointer entry, moved only forward by {@link #rekey()} with a compare-and-set, can put the farm ahead
 * of time: the current slot is {@code max(time slot, pointer)}. A rekey therefore shortens the current
 * period; the next time boundary that passes the pointer rotates as usual, and after several rekeys in
 * one period rotation waits for time to catch up. Cookies are sealed under the current slot and open
 * under the current slot, the next one and {@code pastSlots} before it.
 *
 * <h2>Roles</h2>
 * A {@link Role#MEMBER} (NTS-KE services, the all-in-one farm) creates the seeds of the current and
 * next slot with {@code putIfAbsent} (the first writer wins), removes seeds past retention, dumps the
 * seeds to {@code ntsdumpdir} and loads that dump at start, so a whole-farm restart keeps cookies
 * valid (the pointer comes back as the dump's newest slot less one). A {@link Role#READER} (NTP
 * responders) only reads.
 *
 * <h2>Refresh</h2>
 * A change event from the store, a periodic timer and a timer at the next slot boundary each ask for a
 * rebuild; rebuilds run one at a time on a worker thread of their own, so the network is never waited
 * on by an event loop. When the store cannot be reached, the ring is rebuilt from the seeds last seen:
 * slots leave it as time moves on, and once none is left the ring holds only a throwaway key, so
 * cookies stop opening rather than living forever.
 */
public final class FarmKeys implements KeyRingSource {

    private static final System.Logger LOG = System.getLogger(FarmKeys.class.getName());
    /** Bytes of a new seed: the size of the working key it is mixed into. */
    public static final int SEED_LENGTH = 32;
    private static final AtomicLong IDS = new AtomicLong();
    /** Margin after a slot boundary before the boundary timer fires, so the clock is surely past it. */
    private static final long BOUNDARY_MARGIN_MILLIS = 20;

    /** What this process may do to the shared seeds. */
    public enum Role {
        /** Creates, prunes, dumps and loads seeds; may rekey. */
        MEMBER,
        /** Reads seeds only. */
        READER
    }

    private final Vertx vertx;
    private final SeedStore store;
    private final Role role;
    private final FarmKeyOptions options;
    private final FarmSecret secret;
    private final SecureRandom random;
    private final WorkerExecutor worker;
    private final AtomicBoolean refreshPending = new AtomicBoolean();

    private volatile MasterKeyRing ring;
    private volatile boolean closed;
    private volatile boolean reachable = true;

    // worker thread only
    private SortedMap<Long, byte[]> lastSeen = new TreeMap<>();
    private Long lastPointer;
    private SortedMap<Long, byte[]> ringSeeds;
    private SortedMap<Long, byte[]> dumped;
    private SeedStore.Registration registration;

    private long periodicTimer = -1;
    private long boundaryTimer = -1;

    private FarmKeys(Vertx vertx, SeedStore store, Role role, FarmKeyOptions options, FarmSecret secret,
                     SecureRandom random) {
        this.vertx = vertx;
        this.store = store;
        this.role = role;
        this.options = options;
        this.secret = secret;
        this.random = random;
        this.worker = vertx.createSharedWorkerExecutor("ntsfarm-keys-" + IDS.incrementAndGet(), 1);
    }

    /** A member's keys over a Hazelcast member instance. */
    public static Future<FarmKeys> member(Vertx vertx, HazelcastInstance instance, FarmKeyOptions options,
                                          FarmSecret secret) {
        return start(vertx, SeedStore.hazelcast(instance), Role.MEMBER, options, secret, new SecureRandom());
    }

    /** A responder's keys over a Hazelcast client (or member) instance: read only. */
    public static Future<FarmKeys> reader(Vertx vertx, HazelcastInstance instance, FarmKeyOptions options,
                                          FarmSecret secret) {
        return start(vertx, SeedStore.hazelcast(instance), Role.READER, options, secret, new SecureRandom());
    }

    /** Keys of a standalone server: seeds in this process, dumped and loaded as a member's. */
    public static Future<FarmKeys> local(Vertx vertx, FarmKeyOptions options, FarmSecret secret) {
        return start(vertx, SeedStore.local(), Role.MEMBER, options, secret, new SecureRandom());
    }

    /**
     * Starts keys over any store: loads the dump (members), listens for changes, builds the first
     * ring and arms the timers. The future completes once {@link #current()} has a ring.
     */
    public static Future<FarmKeys> start(Vertx vertx, SeedStore store, Role role, FarmKeyOptions options,
                                         FarmSecret secret, SecureRandom random) {
        FarmKeys keys = new FarmKeys(vertx, Objects.requireNonNull(store), Objects.requireNonNull(role),
                Objects.requireNonNull(options), Objects.requireNonNull(secret), Objects.requireNonNull(random));
        return keys.worker.executeBlocking(() -> {
            if (role == Role.MEMBER) {
                keys.loadDump();
            }
            keys.registration = store.listen(keys::requestRefresh);
            keys.rebuild();
            return keys;
        }, true).onSuccess(k -> k.armTimers()).onFailure(e -> keys.worker.close());
    }

    @Override
    public MasterKeyRing current() {
        return ring;
    }

    /** This process's role. */
    public Role role() {
        return role;
    }

    /** Whether the last rebuild reached the store. */
    public boolean reachable() {
        return reachable;
    }

    /** Rebuilds the ring now (after any rebuild already queued) and returns it. */
    public Future<MasterKeyRing> refresh() {
        return worker.executeBlocking(this::rebuild, true);
    }

    /**
     * Rotates early (a member's {@code rekey}): moves the pointer one slot past the current slot,
     * creating its seeds first, and returns the new current slot. Two members rekeying at once rotate
     * once: the second one finds the pointer moved.
     */
    public Future<Long> rekey() {
        if (role != Role.MEMBER) {
            return Future.failedFuture(new IllegalStateException("rekey needs a key-holding member, not a " + role));
        }
        return worker.executeBlocking(() -> {
            long timeSlot = timeSlot();
            for (int attempt = 0; attempt < 16; attempt++) {
                Long pointer = store.pointer();
                long current = currentSlot(timeSlot, pointer);
                long next = Math.min(MasterKeyRing.MAX_SLOT - 1, current + 1);
                ensureSeed(next);
                ensureSeed(next + 1);
                if (store.advancePointer(pointer, next)) {
                    break;
                }
            }
            return rebuild().currentSlot();
        }, true);
    }

    /** Stops the timers and the change listener; the Hazelcast instance stays its owner's to shut down. */
    public Future<Void> close() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        vertx.cancelTimer(periodicTimer);
        vertx.cancelTimer(boundaryTimer);
        return worker.executeBlocking(() -> {
            if (registration != null) {
                try {
                    registration.cancel();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "removing the seed listener failed: {0}", e.toString());
                }
            }
            return (Void) null;
        }, true).eventually(worker::close);
    }

    private void armTimers() {
        if (closed) {
            return;
        }
        periodicTimer = vertx.setPeriodic(options.refreshInterval().toMillis(), id -> requestRefresh());
        armBoundaryTimer();
    }

    /** One timer at the next time-slot boundary, when that comes before the periodic refresh. */
    private void armBoundaryTimer() {
        if (closed || options.rotateSeconds() == 0) {
            return;
        }
        long nowMillis = options.clock().millis();
        long nextBoundary = Math.multiplyExact(Math.floorDiv(nowMillis / 1000, options.rotateSeconds()) + 1,
                options.rotateSeconds()) * 1000;
        long delay = nextBoundary - nowMillis + BOUNDARY_MARGIN_MILLIS;
        if (delay > 0 && delay < options.refreshInterval().toMillis()) {
            vertx.cancelTimer(boundaryTimer);
            boundaryTimer = vertx.setTimer(delay, id -> requestRefresh());
        }
    }

    /** Queues one rebuild unless one is queued already (change events come in bursts). */
    private void requestRefresh() {
        if (closed || !refreshPending.compareAndSet(false, true)) {
            return;
        }
        worker.executeBlocking(() -> {
            refreshPending.set(false);
            return rebuild();
        }, true).onComplete(r -> {
            if (r.failed()) {
                LOG.log(System.Logger.Level.WARNING, "master key refresh failed: {0}", r.cause().toString());
            }
            armBoundaryTimer();
        });
    }

    // ---- worker thread from here on

    private long timeSlot() {
        long rotate = options.rotateSeconds();
        return rotate == 0 ? 0 : MasterKeyRing.slotAt(options.clock().instant().getEpochSecond(), rotate);
    }

    private static long currentSlot(long timeSlot, Long pointer) {
        long current = pointer == null ? timeSlot : Math.max(timeSlot, pointer);
        return Math.min(Math.max(current, 0), MasterKeyRing.MAX_SLOT - 1);
    }

    private void ensureSeed(long slot) {
        if (slot > MasterKeyRing.MAX_SLOT) {
            return;
        }
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        store.putIfAbsent(slot, seed);
        Arrays.fill(seed, (byte) 0);
    }

    private MasterKeyRing rebuild() {
        long timeSlot = timeSlot();
        long current;
        SortedMap<Long, byte[]> seeds;
        try {
            Long pointer = store.pointer();
            current = currentSlot(timeSlot, pointer);
            if (role == Role.MEMBER) {
                ensureSeed(current);
                ensureSeed(current + 1);
            }
            seeds = new TreeMap<>(store.getAll(MasterKeyRing.slotsToKeep(current, options.pastSlots())));
            if (role == Role.MEMBER) {
                prune(current);
            }
            lastSeen = seeds;
            lastPointer = pointer;
            if (!reachable) {
                LOG.log(System.Logger.Level.INFO, "farm key store reachable again");
            }
            reachable = true;
        } catch (RuntimeException e) {
            if (reachable) {
                LOG.log(System.Logger.Level.WARNING,
                        "farm key store unreachable, going on with the seeds last seen: {0}", e.toString());
            }
            reachable = false;
            current = currentSlot(timeSlot, lastPointer);
            seeds = lastSeen;
        }
        MasterKeyRing built = swapIfChanged(current, seeds);
        if (role == Role.MEMBER && reachable) {
            dump(ringSeeds);
        }
        return built;
    }

    private void prune(long current) {
        long oldest = current - options.pastSlots();
        for (long slot : store.slots()) {
            if (slot < oldest) {
                store.remove(slot);
            }
        }
    }

    /** Builds a ring of the seeds within retention of {@code current}; keeps the old object when nothing changed. */
    private MasterKeyRing swapIfChanged(long current, SortedMap<Long, byte[]> seeds) {
        Set<Long> window = MasterKeyRing.slotsToKeep(current, options.pastSlots());
        SortedMap<Long, byte[]> kept = new TreeMap<>();
        for (Map.Entry<Long, byte[]> e : seeds.entrySet()) {
            if (window.contains(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            }
        }
        long sealing = current;
        if (!kept.containsKey(current)) {
            // a reader ahead of the members, or a store gone: seal under the newest slot we have
            SortedMap<Long, byte[]> older = kept.headMap(current);
            sealing = !older.isEmpty() ? older.lastKey() : kept.isEmpty() ? -1 : kept.firstKey();
        }
        MasterKeyRing old = ring;
        if (old != null && sealing == old.currentSlot() && sameSeeds(kept, ringSeeds)) {
            return old;
        }
        MasterKeyRing next;
        if (sealing < 0) {
            // no seed within retention: a throwaway key, so no cookie of the farm opens here any more
            byte[] throwaway = new byte[SEED_LENGTH];
            random.nextBytes(throwaway);
            next = MasterKeyRing.of(secret, current, Map.of(current, throwaway));
            if (old == null || !sameSeeds(kept, ringSeeds)) {
                LOG.log(System.Logger.Level.WARNING, "no farm seed within retention of slot {0}: cookies will not open",
                        current);
            }
        } else {
            next = MasterKeyRing.of(secret, sealing, kept);
        }
        ringSeeds = kept;
        ring = next;
        LOG.log(System.Logger.Level.DEBUG, "master key ring now {0}", next);
        return next;
    }

    private static boolean sameSeeds(SortedMap<Long, byte[]> a, SortedMap<Long, byte[]> b) {
        if (a == null || b == null || !a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<Long, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private void dump(SortedMap<Long, byte[]> seeds) {
        Path file = options.dumpFile().orElse(null);
        if (file == null || seeds.isEmpty() || sameSeeds(seeds, dumped)) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            PrivateFile.write(file, KeyDump.encode(seeds));
            dumped = seeds;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not dump the farm seeds to {0}: {1}", file, e.toString());
        }
    }

    /** Puts the dumped seeds still within retention back (first writer wins) and restores the pointer. */
    private void loadDump() {
        Path file = options.dumpFile().orElse(null);
        if (file == null || !Files.exists(file)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not read the farm seed dump {0}: {1}", file, e.toString());
            return;
        }
        switch (KeyDump.decode(bytes)) {
            case KeyDump.Malformed m -> LOG.log(System.Logger.Level.WARNING,
                    "ignoring the farm seed dump {0}: {1}", file, m.reason());
            case KeyDump.Ok ok -> {
                if (ok.seeds().isEmpty()) {
                    return;
                }
                long timeSlot = timeSlot();
                long newest = ok.seeds().lastKey();
                // every rebuild creates current + 1, so the newest dumped slot less one was current
                long dumpedCurrent = newest - 1;
                long current = Math.max(timeSlot, dumpedCurrent);
                for (Map.Entry<Long, byte[]> e : ok.seeds().entrySet()) {
                    if (e.getKey() >= current - options.pastSlots()) {
                        store.putIfAbsent(e.getKey(), e.getValue());
                    }
                }
                if (dumpedCurrent > timeSlot) {
                    Long pointer = store.pointer();
                    if (pointer == null || pointer < dumpedCurrent) {
                        store.advancePointer(pointer, dumpedCurrent);
                    }
                }
                dumped = new TreeMap<>(ok.seeds());
                LOG.log(System.Logger.Level.INFO, "loaded farm seeds of slots {0} from {1}", ok.seeds().keySet(), file);
            }
        }
    }

    @Override
    public String toString() {
        return "FarmKeys[" + role + ", " + ring + (reachable ? "" : ", store unreachable") + "]";
    }
}
