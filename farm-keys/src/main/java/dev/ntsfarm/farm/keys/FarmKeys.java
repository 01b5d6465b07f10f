package dev.ntsfarm.farm.keys;

import com.hazelcast.core.HazelcastInstance;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.KeyDump;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.file.PrivateFile;
import dev.ntsfarm.farm.keys.FarmStore.Space;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The farm's master keys as this process sees them (DESIGN section 3): an immutable {@link
 * MasterKeyRing} snapshot built from the shared seeds and the local farm secret, swapped
 * atomically, read with one volatile load ({@link #current()}).
 *
 * <h2>Slots</h2>
 *
 * The time slot is {@code floor(unix_seconds / ntsrotate)} (0 forever when {@code ntsrotate} is 0).
 * The farm's slot is what its entries say: the newest seed's slot less one (members always create
 * the next slot's seed ahead), or a pointer moved forward by {@link #rekey()} with a
 * compare-and-set. A process seals under the later of the two when its clock is within one slot of
 * the farm's; a rekey therefore shortens the current period, and after several rekeys rotation
 * waits for time to catch up. Cookies are sealed under the current slot and open under it, the next
 * one and {@code pastSlots} before it.
 *
 * <h2>Nothing in the cluster is believed unchecked</h2>
 *
 * Every entry carries a MAC under a key of the farm secret ({@link FarmEntries}). An entry that
 * fails it, has the wrong type or length, or a pointer past the next slot, is ignored and counted
 * ({@link #status()}), never fatal. Every process keeps its own verified copy of the seeds within
 * retention and goes on with it whatever the cluster holds; a {@link Role#MEMBER} also keeps it in
 * {@code ntsdumpdir} and puts back what is missing or damaged, so a junked, forged or cleared map
 * costs no client its cookies. Where the cluster holds a valid seed that differs from the copy
 * (after a healed partition) the cluster's wins, so every process converges on one key per slot.
 *
 * <h2>Clocks</h2>
 *
 * A member whose clock is more than a slot ahead of the farm's slots, while another live member's
 * published clock agrees with them, neither creates nor prunes: it warns and follows the cluster.
 * When every member is that far ahead (a farm that was down), or it is alone, its clock moves the
 * farm.
 *
 * <h2>Roles</h2>
 *
 * A {@link Role#MEMBER} (NTS-KE services, the all-in-one farm) creates the seeds of the current and
 * next slot with {@code putIfAbsent} (the first writer wins), removes seeds past retention,
 * repairs, publishes the farm secret's fingerprint and its clock, dumps the seeds and loads that
 * dump at start. A {@link Role#READER} (NTP responders) only reads. Both refuse to start when the
 * cluster's fingerprint says the farm has another secret.
 *
 * <h2>Refresh</h2>
 *
 * A change event from the store, a periodic timer and a timer at the next slot boundary each ask
 * for a rebuild; rebuilds run one at a time on a worker thread of their own, so the network is
 * never waited on by an event loop. When the store cannot be reached, the ring is rebuilt from the
 * copy: slots leave it as time moves on, and once none is left the ring holds only a throwaway key,
 * so cookies stop opening rather than living forever.
 */
public final class FarmKeys implements KeyRingSource {

    private static final System.Logger LOG = System.getLogger(FarmKeys.class.getName());

    /** Bytes of a new seed: the size of the working key it is mixed into. */
    public static final int SEED_LENGTH = 32;

    private static final AtomicLong IDS = new AtomicLong();

    /**
     * Margin after a slot boundary before the boundary timer fires, so the clock is surely past it.
     */
    private static final long BOUNDARY_MARGIN_MILLIS = 20;

    /**
     * Most slot entries read in one rebuild besides the ones this process knows, bounding junk's
     * cost.
     */
    static final int MAX_SLOTS_READ = 64;

    /**
     * Rebuilds a damaged current or next seed must stay damaged, with no process putting it back,
     * before a member replaces it with a new seed (the farm then has lost that slot anyway).
     */
    static final int DAMAGED_STRIKES = 3;

    /** What this process may do to the shared seeds. */
    public enum Role {
        /** Creates, prunes, repairs, dumps and loads seeds; may rekey. */
        MEMBER,
        /** Reads seeds only. */
        READER
    }

    /**
     * The cluster's fingerprint belongs to another farm secret: this process must not run with it.
     */
    public static final class FarmSecretMismatch extends IllegalStateException {
        FarmSecretMismatch(String message) {
            super(message);
        }
    }

    private final Vertx vertx;
    private final FarmStore store;
    private final Role role;
    private final FarmKeyOptions options;
    private final FarmSecret secret;
    private final FarmEntries entries;
    private final SecureRandom random;
    private final WorkerExecutor worker;
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final AtomicLong damagedIgnored = new AtomicLong();
    private final AtomicLong repaired = new AtomicLong();

    private volatile MasterKeyRing ring;
    private volatile KeyRingStatus status;
    private volatile boolean closed;
    private volatile boolean reachable = true;
    private volatile boolean far;

    // worker thread only
    /**
     * The verified seeds within retention: what this process goes on with whatever the cluster
     * holds.
     */
    private SortedMap<Long, byte[]> copies = new TreeMap<>();

    /** The highest verified pointer seen (or dumped); -1 for none. */
    private long pointerSeen = -1;

    private long lastCurrent = -1;
    private Set<String> damagedLast = Set.of();
    private final Map<Long, Integer> strikes = new HashMap<>();
    private SortedMap<Long, byte[]> ringSeeds;
    private SortedMap<Long, byte[]> dumped;
    private FarmStore.Registration registration;

    private long periodicTimer = -1;
    private long boundaryTimer = -1;

    private FarmKeys(
            Vertx vertx,
            FarmStore store,
            Role role,
            FarmKeyOptions options,
            FarmSecret secret,
            SecureRandom random) {
        this.vertx = vertx;
        this.store = store;
        this.role = role;
        this.options = options;
        this.secret = secret;
        this.entries = new FarmEntries(secret);
        this.random = random;
        this.worker = vertx.createSharedWorkerExecutor("ntsfarm-keys-" + IDS.incrementAndGet(), 1);
    }

    /** A member's keys over a Hazelcast member instance. */
    public static Future<FarmKeys> member(
            Vertx vertx, HazelcastInstance instance, FarmKeyOptions options, FarmSecret secret) {
        return start(
                vertx,
                FarmStore.hazelcast(instance),
                Role.MEMBER,
                options,
                secret,
                new SecureRandom());
    }

    /** A responder's keys over a Hazelcast client (or member) instance: read only. */
    public static Future<FarmKeys> reader(
            Vertx vertx, HazelcastInstance instance, FarmKeyOptions options, FarmSecret secret) {
        return start(
                vertx,
                FarmStore.hazelcast(instance),
                Role.READER,
                options,
                secret,
                new SecureRandom());
    }

    /** Keys of a standalone server: seeds in this process, dumped and loaded as a member's. */
    public static Future<FarmKeys> local(Vertx vertx, FarmKeyOptions options, FarmSecret secret) {
        return start(vertx, FarmStore.local(), Role.MEMBER, options, secret, new SecureRandom());
    }

    /**
     * Starts keys over any store: checks the farm secret's fingerprint, loads the dump (members),
     * listens for changes, builds the first ring and arms the timers. The future completes once
     * {@link #current()} has a ring, and fails with {@link FarmSecretMismatch} when the cluster
     * belongs to another secret.
     */
    public static Future<FarmKeys> start(
            Vertx vertx,
            FarmStore store,
            Role role,
            FarmKeyOptions options,
            FarmSecret secret,
            SecureRandom random) {
        FarmKeys keys =
                new FarmKeys(
                        vertx,
                        Objects.requireNonNull(store),
                        Objects.requireNonNull(role),
                        Objects.requireNonNull(options),
                        Objects.requireNonNull(secret),
                        Objects.requireNonNull(random));
        return keys.worker
                .executeBlocking(
                        () -> {
                            List<String> damaged = new ArrayList<>();
                            keys.checkFingerprint(damaged);
                            if (role == Role.MEMBER) {
                                keys.loadDump();
                            }
                            keys.registration = store.listen(keys::requestRefresh);
                            keys.rebuild(damaged);
                            return keys;
                        },
                        true)
                .onSuccess(k -> k.armTimers())
                .onFailure(e -> keys.worker.close());
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

    /**
     * The state of the keys now, from memory (no cluster call): for {@code ntsctl keys} and
     * metrics.
     */
    public KeyRingStatus status() {
        return status;
    }

    /** Damaged entries ignored since start (see {@link KeyRingStatus#damagedEntriesIgnored()}). */
    public long damagedEntriesIgnored() {
        return damagedIgnored.get();
    }

    /** Rebuilds the ring now (after any rebuild already queued) and returns it. */
    public Future<MasterKeyRing> refresh() {
        return worker.executeBlocking(() -> rebuild(new ArrayList<>()), true);
    }

    /**
     * Rotates early (a member's {@code rekey}): moves the pointer one slot past the current slot,
     * creating its seeds first, and returns the new current slot. Two members rekeying at once
     * rotate once: the second one finds the pointer moved.
     */
    public Future<Long> rekey() {
        if (role != Role.MEMBER) {
            return Future.failedFuture(
                    new IllegalStateException("rekey needs a key-holding member, not a " + role));
        }
        return worker.executeBlocking(
                () -> {
                    rebuild(new ArrayList<>());
                    long next = Math.min(MasterKeyRing.MAX_SLOT - 1, lastCurrent + 1);
                    byte[] wanted = entries.pointer(next);
                    for (int attempt = 0; attempt < 16; attempt++) {
                        ensureSeed(next, null);
                        ensureSeed(next + 1, null);
                        FarmStore.Read r = store.get(Space.POINTER, FarmStore.POINTER_KEY);
                        boolean moved;
                        if (r instanceof FarmStore.Present p
                                && p.value() instanceof byte[] raw
                                && entries.openPointer(raw) instanceof FarmEntries.Valid<Long> v) {
                            if (v.value() >= next) {
                                break; // another member rekeyed first
                            }
                            moved =
                                    store.replace(
                                            Space.POINTER, FarmStore.POINTER_KEY, raw, wanted);
                        } else if (r instanceof FarmStore.Absent) {
                            moved = store.putIfAbsent(Space.POINTER, FarmStore.POINTER_KEY, wanted);
                        } else {
                            store.set(Space.POINTER, FarmStore.POINTER_KEY, wanted);
                            moved = true;
                        }
                        if (moved) {
                            pointerSeen = Math.max(pointerSeen, next);
                            break;
                        }
                    }
                    return rebuild(new ArrayList<>()).currentSlot();
                },
                true);
    }

    /**
     * Stops the timers and the change listener; the Hazelcast instance stays its owner's to shut
     * down.
     */
    public Future<Void> close() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        vertx.cancelTimer(periodicTimer);
        vertx.cancelTimer(boundaryTimer);
        return worker.executeBlocking(
                        () -> {
                            if (registration != null) {
                                try {
                                    registration.cancel();
                                } catch (RuntimeException e) {
                                    log(
                                            System.Logger.Level.DEBUG,
                                            "removing the seed listener failed: {0}",
                                            e.toString());
                                }
                            }
                            return (Void) null;
                        },
                        true)
                .eventually(worker::close);
    }

    private void armTimers() {
        if (closed) {
            return;
        }
        periodicTimer =
                vertx.setPeriodic(options.refreshInterval().toMillis(), id -> requestRefresh());
        armBoundaryTimer();
    }

    /** One timer at the next time-slot boundary, when that comes before the periodic refresh. */
    private void armBoundaryTimer() {
        if (closed || options.rotateSeconds() == 0) {
            return;
        }
        long nowMillis = options.clock().millis();
        long nextBoundary =
                Math.multiplyExact(
                                Math.floorDiv(nowMillis / 1000, options.rotateSeconds()) + 1,
                                options.rotateSeconds())
                        * 1000;
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
        worker.executeBlocking(
                        () -> {
                            refreshPending.set(false);
                            return rebuild(new ArrayList<>());
                        },
                        true)
                .onComplete(
                        r -> {
                            if (r.failed()) {
                                log(
                                        System.Logger.Level.WARNING,
                                        "master key refresh failed: {0}",
                                        r.cause().toString());
                            }
                            armBoundaryTimer();
                        });
    }

    // ---- worker thread from here on

    private long timeSlot() {
        long rotate = options.rotateSeconds();
        return rotate == 0
                ? 0
                : Math.min(
                        MasterKeyRing.slotAt(options.clock().instant().getEpochSecond(), rotate),
                        MasterKeyRing.MAX_SLOT - 1);
    }

    /**
     * The fingerprint check at start: the same secret goes on; a damaged or missing fingerprint is
     * put back by a member; another secret's fingerprint stops this process, unless the cluster's
     * seeds open under this secret (then the fingerprint is what was forged).
     */
    private void checkFingerprint(List<String> damaged) {
        for (int attempt = 0; attempt < 2; attempt++) {
            FarmStore.Read r = store.get(Space.FARM, FarmStore.FINGERPRINT_KEY);
            switch (r) {
                case FarmStore.Absent a -> {
                    if (role != Role.MEMBER
                            || store.putIfAbsent(
                                    Space.FARM,
                                    FarmStore.FINGERPRINT_KEY,
                                    entries.fingerprintEntry())) {
                        return;
                    }
                    continue; // another member published first: check theirs
                }
                case FarmStore.Unreadable u -> {
                    damaged.add("farm fingerprint: " + u.reason());
                    putBackFingerprint();
                    return;
                }
                case FarmStore.Present p -> {
                    switch (entries.checkFingerprint(p.value())) {
                        case FarmEntries.SameSecret s -> {
                            return;
                        }
                        case FarmEntries.DamagedFingerprint d -> {
                            damaged.add("farm fingerprint: " + d.reason());
                            putBackFingerprint();
                            return;
                        }
                        case FarmEntries.OtherSecret o -> {
                            if (!anySeedOpens()) {
                                throw new FarmSecretMismatch(
                                        "farmsecret "
                                                + options.farmSecretFile()
                                                        .map(Path::toString)
                                                        .orElse("(given)")
                                                + ": not this farm's secret: its fingerprint is "
                                                + entries.fingerprintHex()
                                                + ", the cluster's is "
                                                + o.hex()
                                                + " and no seed of the cluster opens"
                                                + " under it (expected: the same farm secret file on every host of the farm)");
                            }
                            damaged.add(
                                    "farm fingerprint: another secret's, yet the seeds open under ours");
                            putBackFingerprint();
                            return;
                        }
                    }
                }
            }
        }
    }

    private void putBackFingerprint() {
        if (role == Role.MEMBER) {
            store.set(Space.FARM, FarmStore.FINGERPRINT_KEY, entries.fingerprintEntry());
            repaired.incrementAndGet();
        }
    }

    private boolean anySeedOpens() {
        int read = 0;
        for (Object k : store.keys(Space.SEEDS).readable()) {
            if (k instanceof Long slot
                    && read++ < MAX_SLOTS_READ
                    && store.get(Space.SEEDS, slot) instanceof FarmStore.Present p
                    && entries.openSeed(slot, p.value()) instanceof FarmEntries.Valid<byte[]>) {
                return true;
            }
        }
        return false;
    }

    /** What one look at the seeds found. */
    private record SeedLook(
            SortedMap<Long, byte[]> valid,
            Set<Long> damagedSlots,
            Set<Long> slotKeys,
            List<Object> junkKeys) {}

    private SeedLook lookAtSeeds(long timeSlot, List<String> damaged) {
        FarmStore.Keys listing = store.keys(Space.SEEDS);
        if (listing.someUnreadable()) {
            damaged.add("seeds: a key that will not deserialize");
        }
        TreeSet<Long> slotKeys = new TreeSet<>();
        List<Object> junk = new ArrayList<>();
        for (Object k : listing.readable()) {
            if (k instanceof Long l && l >= 0 && l <= MasterKeyRing.MAX_SLOT) {
                slotKeys.add(l);
            } else {
                junk.add(k);
                damaged.add(
                        "seeds: a key of type "
                                + k.getClass().getName()
                                + " (expected: a slot number)");
            }
        }
        Set<Long> toRead = new TreeSet<>(copies.keySet());
        toRead.add(timeSlot);
        toRead.add(timeSlot + 1);
        if (pointerSeen >= 0) {
            toRead.add(pointerSeen);
            toRead.add(pointerSeen + 1);
        }
        if (lastCurrent >= 0) {
            toRead.add(lastCurrent);
            toRead.add(lastCurrent + 1);
        }
        int extra = 0;
        for (Long s : slotKeys.descendingSet()) {
            if (extra++ >= MAX_SLOTS_READ) {
                break;
            }
            toRead.add(s);
        }
        SortedMap<Long, byte[]> valid = new TreeMap<>();
        Set<Long> damagedSlots = new TreeSet<>();
        for (long s : toRead) {
            switch (store.get(Space.SEEDS, s)) {
                case FarmStore.Absent a -> {}
                case FarmStore.Unreadable u -> {
                    damagedSlots.add(s);
                    damaged.add("seed of slot " + s + ": " + u.reason());
                }
                case FarmStore.Present p -> {
                    switch (entries.openSeed(s, p.value())) {
                        case FarmEntries.Valid<byte[]> v -> valid.put(s, v.value());
                        case FarmEntries.Damaged<byte[]> d -> {
                            damagedSlots.add(s);
                            damaged.add("seed of slot " + s + ": " + d.reason());
                        }
                    }
                }
            }
        }
        return new SeedLook(valid, damagedSlots, slotKeys, junk);
    }

    /** The pointer as found: its slot when valid, and its raw bytes for a compare-and-set. */
    private record PointerLook(Long slot, byte[] raw, boolean damaged, boolean absent) {}

    private PointerLook lookAtPointer(List<String> damaged) {
        return switch (store.get(Space.POINTER, FarmStore.POINTER_KEY)) {
            case FarmStore.Absent a -> new PointerLook(null, null, false, true);
            case FarmStore.Unreadable u -> {
                damaged.add("pointer: " + u.reason());
                yield new PointerLook(null, null, true, false);
            }
            case FarmStore.Present p ->
                    switch (entries.openPointer(p.value())) {
                        case FarmEntries.Valid<Long> v ->
                                new PointerLook(v.value(), (byte[]) p.value(), false, false);
                        case FarmEntries.Damaged<Long> d -> {
                            damaged.add("pointer: " + d.reason());
                            yield new PointerLook(null, null, true, false);
                        }
                    };
        };
    }

    private MasterKeyRing rebuild(List<String> damaged) {
        long timeSlot = timeSlot();
        long current;
        try {
            SeedLook seeds = lookAtSeeds(timeSlot, damaged);
            PointerLook pointer = lookAtPointer(damaged);

            SortedMap<Long, byte[]> known = new TreeMap<>(copies);
            for (Map.Entry<Long, byte[]> e : seeds.valid().entrySet()) {
                byte[] mine = copies.get(e.getKey());
                if (mine != null && !Arrays.equals(mine, e.getValue())) {
                    log(
                            System.Logger.Level.WARNING,
                            "the cluster''s seed of slot {0} differs from this process''s"
                                    + " copy (after a healed partition?): following the cluster",
                            e.getKey());
                }
                known.put(e.getKey(), e.getValue());
            }
            Long validPointer = pointer.slot();
            boolean pointerDamaged = pointer.damaged();
            if (validPointer != null && (known.isEmpty() || validPointer > known.lastKey())) {
                damaged.add("pointer to slot " + validPointer + ": past the next slot");
                validPointer = null;
                pointerDamaged = true;
            }
            if (validPointer != null) {
                pointerSeen = Math.max(pointerSeen, validPointer);
            }
            long farm = -1;
            if (!known.isEmpty()) {
                farm = Math.max(known.lastKey() - 1, 0);
            }
            farm = Math.max(farm, pointerSeen);

            boolean farAhead = false;
            if (farm < 0) {
                current = timeSlot;
            } else if (timeSlot <= farm + 1) {
                current = Math.max(timeSlot, farm);
            } else if (role == Role.MEMBER && farmIsStale(farm)) {
                current = timeSlot;
            } else {
                current = farm;
                farAhead = role == Role.MEMBER;
            }
            if (farAhead && !far) {
                log(
                        System.Logger.Level.WARNING,
                        "this clock says slot {0} but the farm is at slot {1}: following"
                                + " the farm, creating and pruning nothing (check this host''s clock)",
                        timeSlot,
                        farm);
            } else if (!farAhead && far) {
                log(
                        System.Logger.Level.INFO,
                        "this clock agrees with the farm''s slots again (slot {0})",
                        current);
            }
            far = farAhead;

            if (role == Role.MEMBER) {
                repairAndCreate(current, known, seeds, farAhead);
                repairPointer(pointer, pointerDamaged, timeSlot);
                if (!farAhead) {
                    prune(current, seeds);
                }
                tidyFarmMaps(timeSlot, damaged);
            }
            SortedMap<Long, byte[]> window = new TreeMap<>();
            for (long s : MasterKeyRing.slotsToKeep(current, options.pastSlots())) {
                byte[] seed = known.get(s);
                if (seed != null) {
                    window.put(s, seed);
                }
            }
            copies = window;
            if (!reachable) {
                log(System.Logger.Level.INFO, "farm key store reachable again");
            }
            reachable = true;
        } catch (RuntimeException e) {
            if (reachable) {
                log(
                        System.Logger.Level.WARNING,
                        "farm key store unreachable, going on with this process''s copy of the seeds: {0}",
                        e.toString());
            }
            reachable = false;
            current = Math.max(timeSlot, pointerSeen);
            SortedMap<Long, byte[]> window = new TreeMap<>();
            for (long s : MasterKeyRing.slotsToKeep(current, options.pastSlots())) {
                byte[] seed = copies.get(s);
                if (seed != null) {
                    window.put(s, seed);
                }
            }
            copies = window;
        }
        lastCurrent = current;
        countDamage(damaged);
        MasterKeyRing built = swapIfChanged(current, copies);
        if (role == Role.MEMBER && reachable) {
            dump(ringSeeds);
        }
        status =
                new KeyRingStatus(
                        role,
                        built.currentSlot(),
                        new TreeSet<>(built.slots()),
                        options.rotateSeconds(),
                        damagedIgnored.get(),
                        repaired.get(),
                        damagedLast.size(),
                        reachable,
                        far,
                        entries.fingerprintHex());
        return built;
    }

    /** Whether every other live member's published clock is also past the farm's next slot. */
    private boolean farmIsStale(long farm) {
        Set<String> others = new HashSet<>(store.liveMemberIds());
        others.remove(store.localMemberId());
        for (String id : others) {
            if (!(store.get(Space.MEMBERS, id) instanceof FarmStore.Present p
                    && entries.openPresence(id, p.value())
                            instanceof FarmEntries.Valid<FarmEntries.Presence> v
                    && v.value().timeSlot() > farm + 1)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Puts back from the copy what the cluster lacks, creates the current and next seeds when
     * nobody has them.
     */
    private void repairAndCreate(
            long current, SortedMap<Long, byte[]> known, SeedLook seeds, boolean farAhead) {
        Set<Long> wanted = new TreeSet<>(MasterKeyRing.slotsToKeep(current, options.pastSlots()));
        wanted.addAll(known.keySet());
        for (long s : wanted) {
            if (seeds.valid().containsKey(s)) {
                strikes.remove(s);
                continue;
            }
            byte[] mine = known.get(s);
            if (mine != null) {
                if (s < current - options.pastSlots()) {
                    continue;
                }
                byte[] entry = entries.seed(s, mine);
                if (seeds.damagedSlots().contains(s)) {
                    store.set(Space.SEEDS, s, entry);
                } else if (!store.putIfAbsent(Space.SEEDS, s, entry)) {
                    continue;
                }
                repaired.incrementAndGet();
                log(
                        System.Logger.Level.INFO,
                        "put back the seed of slot {0} from this member''s copy",
                        s);
            } else if (!farAhead && (s == current || s == current + 1)) {
                if (seeds.damagedSlots().contains(s)) {
                    int n = strikes.merge(s, 1, Integer::sum);
                    if (n < DAMAGED_STRIKES) {
                        continue;
                    }
                    strikes.remove(s);
                    log(
                            System.Logger.Level.WARNING,
                            "the seed of slot {0} stayed damaged and nobody holds it:"
                                    + " replacing it",
                            s);
                    store.remove(Space.SEEDS, s);
                }
                byte[] adopted = ensureSeed(s, null);
                if (adopted != null) {
                    known.put(s, adopted);
                }
            }
        }
    }

    /**
     * Makes sure {@code slot} has a seed in the cluster (first writer wins) and returns the valid
     * one there, also keeping it in the copy; {@code null} when what is there is damaged.
     */
    private byte[] ensureSeed(long slot, byte[] unused) {
        if (slot > MasterKeyRing.MAX_SLOT) {
            return null;
        }
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        byte[] chosen = null;
        if (store.putIfAbsent(Space.SEEDS, slot, entries.seed(slot, seed))) {
            chosen = seed;
        } else if (store.get(Space.SEEDS, slot) instanceof FarmStore.Present p
                && entries.openSeed(slot, p.value()) instanceof FarmEntries.Valid<byte[]> v) {
            chosen = v.value();
            Arrays.fill(seed, (byte) 0);
        }
        if (chosen != null) {
            copies.put(slot, chosen);
        }
        return chosen;
    }

    private void repairPointer(PointerLook pointer, boolean damaged, long timeSlot) {
        if (pointerSeen < 0) {
            if (damaged) {
                store.remove(Space.POINTER, FarmStore.POINTER_KEY);
            }
            return;
        }
        byte[] ours = entries.pointer(pointerSeen);
        if (damaged) {
            store.set(Space.POINTER, FarmStore.POINTER_KEY, ours);
        } else if (pointer.absent()) {
            if (pointerSeen <= timeSlot
                    || !store.putIfAbsent(Space.POINTER, FarmStore.POINTER_KEY, ours)) {
                return; // time has passed the pointer: nothing to put back
            }
        } else if (pointer.slot() != null
                && pointer.slot() < pointerSeen
                && pointerSeen > timeSlot) {
            if (!store.replace(Space.POINTER, FarmStore.POINTER_KEY, pointer.raw(), ours)) {
                return;
            }
        } else {
            return;
        }
        repaired.incrementAndGet();
        log(System.Logger.Level.INFO, "put back the current-slot pointer (slot {0})", pointerSeen);
    }

    private void prune(long current, SeedLook seeds) {
        long oldest = current - options.pastSlots();
        for (long slot : seeds.slotKeys()) {
            if (slot < oldest || (seeds.damagedSlots().contains(slot) && slot > current + 1)) {
                store.remove(Space.SEEDS, slot);
            }
        }
        for (Object junk : seeds.junkKeys()) {
            store.remove(Space.SEEDS, junk);
        }
    }

    /**
     * The other maps: the fingerprint put back when missing or damaged, this member's clock
     * published when it moved, presences of departed members and junk keys removed.
     */
    private void tidyFarmMaps(long timeSlot, List<String> damaged) {
        FarmStore.Read fp = store.get(Space.FARM, FarmStore.FINGERPRINT_KEY);
        boolean fpOk =
                fp instanceof FarmStore.Present p
                        && entries.checkFingerprint(p.value()) instanceof FarmEntries.SameSecret;
        if (!fpOk) {
            if (!(fp instanceof FarmStore.Absent)) {
                damaged.add("farm fingerprint: not this farm's");
            }
            store.set(Space.FARM, FarmStore.FINGERPRINT_KEY, entries.fingerprintEntry());
            repaired.incrementAndGet();
        }
        removeJunkKeys(Space.FARM, Set.of(FarmStore.FINGERPRINT_KEY), damaged);
        removeJunkKeys(Space.POINTER, Set.of(FarmStore.POINTER_KEY), damaged);

        String me = store.localMemberId();
        Set<String> live = store.liveMemberIds();
        if (me != null) {
            FarmStore.Read mine = store.get(Space.MEMBERS, me);
            boolean current =
                    mine instanceof FarmStore.Present p
                            && entries.openPresence(me, p.value())
                                    instanceof FarmEntries.Valid<FarmEntries.Presence> v
                            && v.value().timeSlot() == timeSlot;
            if (!current) {
                store.set(
                        Space.MEMBERS,
                        me,
                        entries.presence(me, timeSlot, options.clock().instant().getEpochSecond()));
            }
        }
        FarmStore.Keys members = store.keys(Space.MEMBERS);
        for (Object k : members.readable()) {
            if (!(k instanceof String id)) {
                damaged.add("members: a key of type " + k.getClass().getName());
                store.remove(Space.MEMBERS, k);
            } else if (!live.contains(id)) {
                store.remove(Space.MEMBERS, id);
            }
        }
    }

    private void removeJunkKeys(Space space, Set<Object> expected, List<String> damaged) {
        FarmStore.Keys keys = store.keys(space);
        if (keys.someUnreadable()) {
            damaged.add(space.mapName() + ": a key that will not deserialize");
        }
        for (Object k : keys.readable()) {
            if (!expected.contains(k)) {
                damaged.add(space.mapName() + ": an unexpected key");
                store.remove(space, k);
            }
        }
    }

    /** Counts each damaged entry once (until it is repaired or changes), and says so once. */
    private void countDamage(List<String> damaged) {
        Set<String> now = new HashSet<>(damaged);
        for (String d : now) {
            if (!damagedLast.contains(d)) {
                damagedIgnored.incrementAndGet();
                log(System.Logger.Level.WARNING, "ignoring a damaged farm entry: {0}", d);
            }
        }
        damagedLast = now;
    }

    /**
     * Builds a ring of the seeds within retention of {@code current}; keeps the old object when
     * nothing changed.
     */
    private MasterKeyRing swapIfChanged(long current, SortedMap<Long, byte[]> kept) {
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
            // no seed within retention: a throwaway key, so no cookie of the farm opens here any
            // more
            byte[] throwaway = new byte[SEED_LENGTH];
            random.nextBytes(throwaway);
            next = MasterKeyRing.of(secret, current, Map.of(current, throwaway));
            if (old == null || !sameSeeds(kept, ringSeeds)) {
                log(
                        System.Logger.Level.WARNING,
                        "no farm seed within retention of slot {0}: cookies will not open",
                        current);
            }
        } else {
            next = MasterKeyRing.of(secret, sealing, kept);
        }
        ringSeeds = new TreeMap<>(kept);
        ring = next;
        log(System.Logger.Level.DEBUG, "master key ring now {0}", next);
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
        if (file == null || seeds == null || seeds.isEmpty() || sameSeeds(seeds, dumped)) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            PrivateFile.write(file, KeyDump.encode(seeds));
            dumped = new TreeMap<>(seeds);
        } catch (IOException | RuntimeException e) {
            log(
                    System.Logger.Level.WARNING,
                    "could not dump the farm seeds to {0}: {1}",
                    file,
                    e.toString());
        }
    }

    /**
     * Takes the dumped seeds still within retention into this member's copy (the first rebuild puts
     * them back into the cluster where missing) and remembers the pointer they imply.
     */
    private void loadDump() {
        Path file = options.dumpFile().orElse(null);
        if (file == null || !Files.exists(file)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            log(
                    System.Logger.Level.WARNING,
                    "could not read the farm seed dump {0}: {1}",
                    file,
                    e.toString());
            return;
        }
        switch (KeyDump.decode(bytes)) {
            case KeyDump.Malformed m ->
                    log(
                            System.Logger.Level.WARNING,
                            "ignoring the farm seed dump {0}: {1}",
                            file,
                            m.reason());
            case KeyDump.Ok ok -> {
                if (ok.seeds().isEmpty()) {
                    return;
                }
                long timeSlot = timeSlot();
                // every rebuild creates current + 1, so the newest dumped slot less one was current
                long dumpedCurrent = ok.seeds().lastKey() - 1;
                long current = Math.max(timeSlot, dumpedCurrent);
                for (Map.Entry<Long, byte[]> e : ok.seeds().entrySet()) {
                    if (e.getKey() >= current - options.pastSlots()) {
                        copies.put(e.getKey(), e.getValue());
                    }
                }
                if (dumpedCurrent > timeSlot) {
                    pointerSeen = Math.max(pointerSeen, dumpedCurrent);
                }
                dumped = new TreeMap<>(ok.seeds());
                log(
                        System.Logger.Level.INFO,
                        "loaded farm seeds of slots {0} from {1}",
                        copies.keySet(),
                        file);
            }
        }
    }

    /** Logs with numbers shown plainly (MessageFormat would group slot numbers by thousands). */
    private static void log(System.Logger.Level level, String format, Object... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Number n) {
                args[i] = n.toString();
            }
        }
        LOG.log(level, format, args);
    }

    @Override
    public String toString() {
        return "FarmKeys[" + role + ", " + ring + (reachable ? "" : ", store unreachable") + "]";
    }
}
