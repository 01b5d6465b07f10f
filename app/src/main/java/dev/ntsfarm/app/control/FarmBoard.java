package dev.ntsfarm.app.control;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.ntsfarm.control.FarmMember;
import dev.ntsfarm.control.FarmStats;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.farm.keys.FarmEntries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The farm's notice board in Hazelcast: every process publishes, each {@link
 * #PUBLISH_INTERVAL_MILLIS}, its name, role, services and counters under its own name, with a time
 * to live so a process that is gone drops off. {@code serverstats} and {@code members} read the
 * board. Every entry is sealed for its key under the farm secret's MAC ({@link FarmEntries#board},
 * the scheme of the key entries), so a peer that reaches the cluster port can junk or drop entries
 * but cannot make one or move one to another name; an entry that fails (forged, damaged, foreign,
 * of another version) is ignored and counted, never fatal. Counters are not secrets; the board
 * carries no key material.
 */
public final class FarmBoard {

    /** The Hazelcast map of the board. */
    public static final String MAP = "ntsfarm-control-board";

    public static final long PUBLISH_INTERVAL_MILLIS = 1000;

    /** An entry not refreshed for this long is gone. */
    public static final long TTL_SECONDS = 15;

    static final int MAGIC = 0x4E46_5331; // "NFS1"
    static final int MAX_ENTRY = 4096;

    /** One process as it published itself. */
    public record Entry(
            String name,
            String role,
            String services,
            long publishedMillis,
            Map<ServerCounter, Long> counters) {}

    private final Vertx vertx;
    private final HazelcastInstance cluster;
    private final FarmEntries seal;
    private final String name;
    private final String role;
    private final String services;
    private final Supplier<Map<ServerCounter, Long>> counters;
    private final LongSupplier clock;
    private long timer = -1;

    /**
     * @param seal the farm secret's entries: what the board's entries are sealed and checked with
     */
    public FarmBoard(
            Vertx vertx,
            HazelcastInstance cluster,
            FarmEntries seal,
            String role,
            String services,
            Supplier<Map<ServerCounter, Long>> counters) {
        this.vertx = vertx;
        this.cluster = cluster;
        this.seal = seal;
        this.name = nameOf(cluster);
        this.role = role;
        this.services = services;
        this.counters = counters;
        this.clock = System::currentTimeMillis;
    }

    /** A member by its cluster address; a client (responder) by "client" and its id. */
    static String nameOf(HazelcastInstance cluster) {
        try {
            var address = cluster.getCluster().getLocalMember().getAddress();
            return address.getHost() + ":" + address.getPort();
        } catch (UnsupportedOperationException client) {
            return "client-" + cluster.getLocalEndpoint().getUuid().toString().substring(0, 8);
        }
    }

    public String name() {
        return name;
    }

    private IMap<Object, Object> map() {
        return cluster.getMap(MAP);
    }

    /**
     * Publishes now and then every interval, off the event loop (Hazelcast may wait on the
     * network).
     */
    public Future<Void> start() {
        Future<Void> first =
                vertx.executeBlocking(
                        () -> {
                            publish();
                            return null;
                        },
                        false);
        timer =
                vertx.setPeriodic(
                        PUBLISH_INTERVAL_MILLIS,
                        PUBLISH_INTERVAL_MILLIS,
                        id ->
                                vertx.executeBlocking(
                                        () -> {
                                            publish();
                                            return null;
                                        },
                                        false));
        // a cluster that does not take the first entry is no reason not to serve
        return first.otherwiseEmpty().mapEmpty();
    }

    public Future<Void> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        return vertx.executeBlocking(
                () -> {
                    try {
                        map().remove(name);
                    } catch (RuntimeException e) {
                        // the entry expires by itself
                    }
                    return null;
                },
                false);
    }

    void publish() {
        try {
            map().put(
                            name,
                            seal.board(
                                    name,
                                    encode(
                                            new Entry(
                                                    name,
                                                    role,
                                                    services,
                                                    clock.getAsLong(),
                                                    counters.get()))),
                            TTL_SECONDS,
                            TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            // the cluster is away: the next publication tries again
        }
    }

    /** The board as it is: every readable entry, and how many were not readable. */
    record Read(List<Entry> entries, int ignored) {}

    Read read() {
        List<Entry> entries = new ArrayList<>();
        int ignored = 0;
        try {
            for (Map.Entry<Object, Object> e : map().entrySet()) {
                Entry decoded =
                        e.getKey() instanceof String key
                                        && seal.openBoard(key, e.getValue())
                                                instanceof FarmEntries.Valid<byte[]> v
                                ? decode(v.value())
                                : null;
                if (decoded == null || !decoded.name().equals(e.getKey())) {
                    ignored++;
                } else {
                    entries.add(decoded);
                }
            }
        } catch (RuntimeException e) {
            // an entry of a class this process cannot read spoils the whole listing: ignore the
            // board
            ignored++;
        }
        return new Read(entries, ignored);
    }

    /** Every process's counters, this process's fresh from memory. */
    public FarmStats farmStats() {
        Read r = read();
        long now = clock.getAsLong();
        List<FarmStats.MemberStats> members = new ArrayList<>();
        members.add(new FarmStats.MemberStats(name, true, 0, counters.get()));
        for (Entry e : r.entries()) {
            if (!e.name().equals(name)) {
                members.add(
                        new FarmStats.MemberStats(
                                e.name(),
                                false,
                                Math.max(0, now - e.publishedMillis()),
                                e.counters()));
            }
        }
        members.sort((a, b) -> a.member().compareTo(b.member()));
        return new FarmStats(members, r.ignored());
    }

    /** The farm's processes: those on the board, and cluster members that never published. */
    public List<FarmMember> members() {
        Read r = read();
        long now = clock.getAsLong();
        Map<String, FarmMember> byName = new TreeMap<>();
        byName.put(name, new FarmMember(name, role, true, 0, services));
        for (Entry e : r.entries()) {
            byName.putIfAbsent(
                    e.name(),
                    new FarmMember(
                            e.name(),
                            e.role(),
                            false,
                            Math.max(0, now - e.publishedMillis()),
                            e.services()));
        }
        for (var m : cluster.getCluster().getMembers()) {
            String n = m.getAddress().getHost() + ":" + m.getAddress().getPort();
            byName.putIfAbsent(n, new FarmMember(n, "member", false, -1, ""));
        }
        return List.copyOf(byName.values());
    }

    /** The body of {@code e}'s board entry, before it is sealed: the layout every process reads. */
    public static byte[] encode(Entry e) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeUTF(e.name());
            out.writeUTF(e.role());
            out.writeUTF(e.services());
            out.writeLong(e.publishedMillis());
            out.writeShort(e.counters().size());
            for (Map.Entry<ServerCounter, Long> c : e.counters().entrySet()) {
                out.writeUTF(c.getKey().name());
                out.writeLong(c.getValue());
            }
            return bytes.toByteArray();
        } catch (IOException x) {
            throw new IllegalStateException("in memory", x);
        }
    }

    /**
     * The entry a board entry's body holds, or null when the bytes are not one (of another
     * version).
     */
    static Entry decode(byte[] b) {
        if (b.length > MAX_ENTRY) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            if (in.readInt() != MAGIC) {
                return null;
            }
            String name = in.readUTF();
            String role = in.readUTF();
            String services = in.readUTF();
            long published = in.readLong();
            int n = in.readUnsignedShort();
            Map<ServerCounter, Long> counters = new EnumMap<>(ServerCounter.class);
            for (int i = 0; i < n; i++) {
                String counter = in.readUTF();
                long value = in.readLong();
                try {
                    counters.put(ServerCounter.valueOf(counter), value);
                } catch (IllegalArgumentException newer) {
                    // a counter a newer version knows: left out
                }
            }
            if (in.available() != 0 || value(counters) < 0) {
                return null;
            }
            return new Entry(name, role, services, published, counters);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** -1 when a counter is negative (no real counter is). */
    private static long value(Map<ServerCounter, Long> counters) {
        return counters.values().stream().anyMatch(v -> v < 0) ? -1 : 0;
    }
}
