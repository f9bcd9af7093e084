package org.sacip.agent.peer.protocol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * The live sessions the engine knows, what it knows of their opening, and the key lineage each is bound to
 * (PROTOCOL.md: claims). A session is bound to at most one lineage. Sessions the peer opened and nobody claimed are
 * kept in a bounded map (a flood of flows opened towards us cannot grow it); the others are bounded by our own
 * sockets. Engine thread only.
 */
final class SessionRegistry {
    /** Why a session is not bound (shown by {@code sacipctl sessions}). */
    enum Unbound {
        /** No key with the peer yet: agreement pending or not started. */
        NO_KEY,
        /** Our claim is on its way. */
        CLAIMING,
        /** The peer opened it; its agent claims it (or it has none). */
        PEER_TO_CLAIM,
        /** The peer's agent did not answer: it has none, or SACIP cannot reach it. */
        NO_AGENT,
        /** The peer's agent refused our claim: another key holds it there. */
        HELD_BY_OTHER_KEY,
        /** The peer's agent refused our claim: it has no such session. */
        PEER_HAS_NO_SUCH_SESSION,
        /** The peer's agent refused our claim: its record of the opening differs (a middlebox rewrote it). */
        PROOF_MISMATCH,
        /** Nobody recorded the opening and the key is not the first one agreed for the address pair. */
        NOT_ELIGIBLE,
        /**
         * Through a NAT a session is found only by its opening record: there is none here, or the peer found no
         * session with it (a middlebox between may rewrite sequence numbers).
         */
        UNMATCHED,
        /** The peer's agent allows no more sessions on this key. */
        LIMIT,
        /** Outside the peers this agent manages, or a link-local address. */
        NOT_MANAGED,
        /** Its key was erased (lifetime over without renewal, or flushed). */
        KEY_GONE
    }

    /** One live session. */
    static final class Entry {
        final SessionTuple tuple;
        final Opener opener;
        Optional<OpeningProof> proof;
        final Instant since;
        Association boundTo;
        /** The lineage that may take this session although an opening record is missing; null if none yet. */
        Octets eligible;
        Unbound why;
        /**
         * Bound through a NAT that translates the peer: the endpoint the peer's own socket uses (the claim's holder
         * address and port), which its packets carry once it left that NAT. Null when nothing translates the peer.
         */
        Endpoint peerOwn;
        /**
         * Bound through a NAT that translates this host: our endpoint as the peer's socket knows it (the NAT's public
         * address and port). Null when nothing translates us.
         */
        Endpoint ourPublic;

        Entry(SessionTuple tuple, Opener opener, Optional<OpeningProof> proof, Instant since) {
            this.tuple = tuple;
            this.opener = opener;
            this.proof = proof;
            this.since = since;
        }

        AddressPair addresses() {
            return new AddressPair(SacipAddress.of(tuple.local().address()), SacipAddress.of(tuple.remote().address()));
        }
    }

    private final Map<SessionTuple, Entry> held = new HashMap<>();
    private final LruMap<SessionTuple, Entry> remoteUnclaimed =
            new LruMap<>("unclaimed-remote-sessions", EngineLimits.UNCLAIMED_REMOTE_SESSIONS);
    private final Map<AddressPair, Set<SessionTuple>> byPair = new HashMap<>();
    private final Map<Octets, Set<SessionTuple>> byLineage = new HashMap<>();

    Entry get(SessionTuple tuple) {
        Entry entry = held.get(tuple);
        return entry != null ? entry : remoteUnclaimed.get(tuple);
    }

    int size() {
        return held.size() + remoteUnclaimed.size();
    }

    /** Adds a session; one already known keeps its state (a proof learnt late is kept). */
    Entry add(SessionTuple tuple, Opener opener, Optional<OpeningProof> proof, Instant since) {
        Entry existing = get(tuple);
        if (existing != null) {
            if (existing.proof.isEmpty() && proof.isPresent()) {
                existing.proof = proof;
            }
            return existing;
        }
        Entry entry = new Entry(tuple, opener, proof, since);
        if (opener == Opener.REMOTE) {
            Map.Entry<SessionTuple, Entry> eldest = remoteUnclaimed.isEmpty() ? null
                    : remoteUnclaimed.entrySet().iterator().next();
            remoteUnclaimed.put(tuple, entry);
            if (eldest != null && !remoteUnclaimed.containsKey(eldest.getKey())) {
                unindexPair(eldest.getValue());
            }
        } else {
            held.put(tuple, entry);
        }
        byPair.computeIfAbsent(entry.addresses(), p -> new LinkedHashSet<>()).add(tuple);
        return entry;
    }

    /** The session ended: removed, unbound; returns its entry if it was known. */
    Entry remove(SessionTuple tuple) {
        Entry entry = held.remove(tuple);
        if (entry == null) {
            entry = remoteUnclaimed.remove(tuple);
        }
        if (entry != null) {
            unbind(entry);
            unindexPair(entry);
        }
        return entry;
    }

    private void unindexPair(Entry entry) {
        Set<SessionTuple> pair = byPair.get(entry.addresses());
        if (pair != null) {
            pair.remove(entry.tuple);
            if (pair.isEmpty()) {
                byPair.remove(entry.addresses());
            }
        }
    }

    /** The live sessions between these addresses (local, remote). */
    List<Entry> ofPair(AddressPair addresses) {
        List<Entry> entries = new ArrayList<>();
        for (SessionTuple tuple : byPair.getOrDefault(addresses, Set.of())) {
            Entry entry = get(tuple);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** The sessions bound to a lineage. */
    List<SessionTuple> boundTo(Association association) {
        return List.copyOf(byLineage.getOrDefault(association.lineage, Set.of()));
    }

    void bind(Entry entry, Association association, Instant now) {
        if (entry.boundTo == association) {
            return;
        }
        unbind(entry);
        entry.boundTo = association;
        entry.why = null;
        association.boundSessions++;
        association.idleSince = null;
        association.lastUsed = now;
        byLineage.computeIfAbsent(association.lineage, l -> new LinkedHashSet<>()).add(entry.tuple);
        if (remoteUnclaimed.remove(entry.tuple) != null) {
            held.put(entry.tuple, entry);
        }
    }

    /** Unbinds the session; its lineage may become idle. */
    void unbind(Entry entry) {
        Association association = entry.boundTo;
        if (association == null) {
            return;
        }
        entry.boundTo = null;
        entry.peerOwn = null;
        entry.ourPublic = null;
        association.boundSessions--;
        Set<SessionTuple> set = byLineage.get(association.lineage);
        if (set != null) {
            set.remove(entry.tuple);
            if (set.isEmpty()) {
                byLineage.remove(association.lineage);
            }
        }
    }

    /** Every session bound to the lineage becomes unbound for {@code why} (the lineage is going away). */
    List<SessionTuple> unbindAll(Association association, Unbound why) {
        List<SessionTuple> tuples = boundTo(association);
        for (SessionTuple tuple : tuples) {
            Entry entry = get(tuple);
            if (entry != null) {
                unbind(entry);
                entry.why = why;
            }
        }
        return tuples;
    }

    Collection<Entry> all() {
        List<Entry> all = new ArrayList<>(held.values());
        all.addAll(remoteUnclaimed.values());
        return all;
    }

    List<Bound> bounds() {
        return List.of(remoteUnclaimed.bound());
    }
}
