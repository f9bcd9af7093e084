package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.message.Octets;

/**
 * Every key lineage this agent holds: found by key id (current and renewed keys), by lineage, and by address pair
 * (several per pair). Bounded: at most {@code maxKeys} lineages and {@code maxKeysPerPrefix} per peer prefix; a
 * lineage that holds sessions is never evicted, sessionless ones go least recently used first. Engine thread only.
 */
final class AssociationTable {
    /** A plain handshake does not replace a lineage used this recently (PROTOCOL.md 6.4). */
    static final Duration RECENT_USE = Duration.ofMinutes(10);

    private final EngineLimits limits;
    private final Map<Octets, Association> byLineage = new LinkedHashMap<>();
    private final Map<Octets, Association> byKeyId = new HashMap<>();
    private final Map<AddressPair, List<Association>> byPair = new HashMap<>();
    private final Map<PeerPrefix, Integer> perPrefix = new HashMap<>();

    AssociationTable(EngineLimits limits) {
        this.limits = limits;
    }

    Association byKeyId(Octets keyId) {
        return byKeyId.get(keyId);
    }

    Association byLineage(Octets lineage) {
        return byLineage.get(lineage);
    }

    /** The lineages bound to this pair, oldest first. */
    List<Association> ofPair(AddressPair bound) {
        return byPair.getOrDefault(bound, List.of());
    }

    /** The lineage to use for sessions between these addresses now: bound to them, its peer still there, newest. */
    Optional<Association> usableFor(AddressPair sessionAddresses) {
        List<Association> candidates = ofPair(sessionAddresses);
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Association association = candidates.get(i);
            if (association.peer.current.equals(sessionAddresses.peer())
                    && association.own.current.equals(sessionAddresses.local())) {
                return Optional.of(association);
            }
        }
        return Optional.empty();
    }

    /** The oldest lineage of the pair, the only one that may take sessions nobody saw open. */
    Optional<Association> first(AddressPair bound) {
        List<Association> list = ofPair(bound);
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    Collection<Association> all() {
        return byLineage.values();
    }

    int size() {
        return byLineage.size();
    }

    /**
     * Whether one more lineage with this peer fits, possibly after evicting sessionless ones: the table as a whole
     * and the peer's prefix each below their limit, or holding a lineage that may go.
     */
    boolean hasRoomFor(AddressPair bound, Instant now) {
        PeerPrefix prefix = PeerPrefix.of(bound.peer());
        boolean prefixRoom = perPrefix.getOrDefault(prefix, 0) < limits.maxKeysPerPrefix()
                || evictable(a -> PeerPrefix.of(a.peerOriginal()).equals(prefix), now).isPresent();
        boolean tableRoom = byLineage.size() < limits.maxKeys() || evictable(a -> true, now).isPresent();
        return prefixRoom && tableRoom;
    }

    /**
     * Adds a new lineage, making room first: the pair's older lineages that hold no session and were not used
     * recently are replaced (6.4), then sessionless lineages are evicted least recently used first. Returns the
     * lineages removed (their timers are the caller's to stop), or empty if there is no room (nothing changed).
     */
    Optional<List<Association>> add(Association association, Instant now) {
        List<Association> removed = new ArrayList<>();
        for (Association old : List.copyOf(ofPair(association.bound))) {
            if (old.boundSessions == 0 && !old.lastUsed.plus(RECENT_USE).isAfter(now)) {
                remove(old);
                removed.add(old);
            }
        }
        PeerPrefix prefix = PeerPrefix.of(association.peerOriginal());
        while (perPrefix.getOrDefault(prefix, 0) >= limits.maxKeysPerPrefix()) {
            Optional<Association> victim = evictable(a -> PeerPrefix.of(a.peerOriginal()).equals(prefix), now);
            if (victim.isEmpty()) {
                restore(removed);
                return Optional.empty();
            }
            remove(victim.get());
            removed.add(victim.get());
        }
        while (byLineage.size() >= limits.maxKeys()) {
            Optional<Association> victim = evictable(a -> true, now);
            if (victim.isEmpty()) {
                restore(removed);
                return Optional.empty();
            }
            remove(victim.get());
            removed.add(victim.get());
        }
        index(association);
        return Optional.of(removed);
    }

    private void restore(List<Association> removed) {
        removed.forEach(this::index);
    }

    /** Indexes a lineage loaded from disk or added (no limit check: the caller made room). */
    void index(Association association) {
        byLineage.put(association.lineage, association);
        byKeyId.put(association.keys.current.id(), association);
        if (association.keys.previous != null) {
            byKeyId.put(association.keys.previous.id(), association);
        }
        List<Association> list = byPair.computeIfAbsent(association.bound, p -> new ArrayList<>());
        list.add(association);
        list.sort(Comparator.comparing(a -> a.lineageEstablished));
        perPrefix.merge(PeerPrefix.of(association.peerOriginal()), 1, Integer::sum);
    }

    /** A renewal: the new key id finds the lineage too. */
    void indexKey(Association association, Octets keyId) {
        byKeyId.put(keyId, association);
    }

    void forgetKey(Association association, Octets keyId) {
        byKeyId.remove(keyId, association);
    }

    void remove(Association association) {
        if (byLineage.remove(association.lineage, association)) {
            byKeyId.remove(association.keys.current.id(), association);
            if (association.keys.previous != null) {
                byKeyId.remove(association.keys.previous.id(), association);
            }
            List<Association> list = byPair.get(association.bound);
            if (list != null) {
                list.remove(association);
                if (list.isEmpty()) {
                    byPair.remove(association.bound);
                }
            }
            perPrefix.computeIfPresent(PeerPrefix.of(association.peerOriginal()), (p, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** The least recently used lineage that holds no session and matches. */
    private Optional<Association> evictable(java.util.function.Predicate<Association> which, Instant now) {
        Association best = null;
        for (Association association : byLineage.values()) {
            if (association.boundSessions == 0 && which.test(association)
                    && (best == null || association.lastUsed.isBefore(best.lastUsed))) {
                best = association;
            }
        }
        return Optional.ofNullable(best);
    }

    List<Bound> bounds() {
        int largestPrefix = perPrefix.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return List.of(new Bound("keys", byLineage.size(), limits.maxKeys()),
                new Bound("keys-of-largest-prefix", largestPrefix, limits.maxKeysPerPrefix()));
    }
}
