package org.sacip.agent.peer.protocol;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.claim.ClaimProofs;
import org.sacip.protocol.claim.SentClaim;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimProtocol;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and the key lineages they are bound to (PROTOCOL.md, claims). The agent of the host that opened a session
 * claims it under the lineage for its addresses, with proof that it saw the session open; the other agent binds it
 * only if it has the session, its own record of the opening matches (or neither recorded it and the lineage is the
 * first agreed for the pair while the session lives), and no other lineage holds it. The reply goes only once the
 * data path carries the session as the lineage's addresses require. Engine thread only.
 */
final class Claims {
    private static final Logger LOG = LoggerFactory.getLogger(Claims.class);
    static final int MAX_ENTRIES = MessageKind.MAX_ENTRIES;
    /** A peer that has not seen a session yet is asked again this often, this many times. */
    static final Duration NOT_YET_SEEN_RETRY = Duration.ofMillis(250);
    static final int NOT_YET_SEEN_TRIES = 40;
    /**
     * Claims of one lineage in flight at once; the next goes when one is answered. Sending every claim of a burst
     * at once (2,500 claims for 100,000 sessions) overruns the queues and capture buffers on both sides, and claims
     * lost there were given up as if the peer had no agent.
     */
    static final int WINDOW = 4;
    /**
     * A claim unanswered through all its retransmissions while the peer answered other messages was lost, not
     * refused: its sessions are claimed again, up to this many times in all, before they are given up.
     */
    static final int UNANSWERED_ROUNDS = 3;

    /** What changes when bindings change. */
    interface Listener {
        /** The lineage's number of bound sessions changed. */
        void boundCountChanged(Association association);
    }

    private final EngineContext ctx;
    private final KeyAgreement agreement;
    private final Listener listener;
    /** Tries so far of sessions the peer had not seen yet. */
    private final java.util.Map<SessionTuple, Integer> notYetSeenTries = new java.util.HashMap<>();
    /** Rounds so far of sessions whose claims went unanswered while the peer answered others. */
    private final java.util.Map<SessionTuple, Integer> unansweredRounds = new java.util.HashMap<>();

    Claims(EngineContext ctx, KeyAgreement agreement, Listener listener) {
        this.ctx = ctx;
        this.agreement = agreement;
        this.listener = listener;
    }

    // ---- sessions from the kernel ----

    /** Sessions established and answered: ours are claimed (keys agreed first if needed), the peer's wait for it. */
    void opened(List<SessionOpened> sessions) {
        List<BindingChange> unbound = new ArrayList<>();
        for (SessionOpened opened : sessions) {
            SessionRegistry.Entry entry = ctx.sessions.add(opened.tuple(), opened.opener(), opened.proof(),
                    opened.since());
            if (entry.boundTo != null) {
                continue;
            }
            AddressPair pair = entry.addresses();
            if (!managed(entry.tuple)) {
                setWhy(entry, SessionRegistry.Unbound.NOT_MANAGED, unbound);
                continue;
            }
            if (entry.proof.isEmpty() && entry.eligible == null) {
                ctx.associations.first(pair).ifPresent(first -> entry.eligible = first.lineage);
            }
            if (entry.opener == Opener.REMOTE) {
                setWhy(entry, SessionRegistry.Unbound.PEER_TO_CLAIM, unbound);
                continue;
            }
            Optional<Association> association = ctx.associations.usableFor(pair);
            if (association.isPresent()) {
                setWhy(entry, SessionRegistry.Unbound.CLAIMING, unbound);
                queue(association.get(), entry.tuple);
                continue;
            }
            setWhy(entry, SessionRegistry.Unbound.NO_KEY, unbound);
            Optional<String> notNow = agreement.ensureKey(pair);
            notNow.ifPresent(why -> {
                LOG.debug("no key agreement for {} now: {}", entry.tuple, why);
                entry.why = SessionRegistry.Unbound.NO_AGENT;
            });
            if (notNow.isEmpty() && LOG.isDebugEnabled()) {
                // The figure of "keys early": from the tracker's sight of the kernel event to the engine's start.
                LOG.debug("{} needs a key: agreement under way {} ms after its kernel event", entry.tuple,
                        Duration.between(opened.since(), ctx.now()).toMillis());
            }
        }
        if (!unbound.isEmpty()) {
            ctx.changes.bindings(unbound, null, null);
        }
    }

    private boolean managed(SessionTuple tuple) {
        InetAddress local = tuple.local().address();
        InetAddress remote = tuple.remote().address();
        return !local.isLinkLocalAddress() && !remote.isLinkLocalAddress()
                && ctx.managedPeer.test(SacipAddress.of(remote));
    }

    private static void setWhy(SessionRegistry.Entry entry, SessionRegistry.Unbound why, List<BindingChange> out) {
        if (entry.why != why) {
            entry.why = why;
            out.add(BindingChange.unbound(entry.tuple, why));
        }
    }

    /** Sessions that ended: they leave the registry and release their lineage. */
    void ended(List<SessionTuple> sessions) {
        Set<Association> touched = new HashSet<>();
        for (SessionTuple tuple : sessions) {
            SessionRegistry.Entry entry = ctx.sessions.get(tuple);
            if (entry != null && entry.boundTo != null) {
                touched.add(entry.boundTo);
            }
            ctx.sessions.remove(tuple);
            notYetSeenTries.remove(tuple);
            unansweredRounds.remove(tuple);
        }
        touched.forEach(listener::boundCountChanged);
        if (!touched.isEmpty()) {
            ctx.persistence.soon();
        }
    }

    /** A new lineage: sessions nobody saw open become its to take, and our own sessions of the pair are claimed. */
    void established(Association association) {
        List<BindingChange> claiming = new ArrayList<>();
        for (SessionRegistry.Entry entry : ctx.sessions.ofPair(association.bound)) {
            if (entry.proof.isEmpty() && entry.eligible == null) {
                entry.eligible = association.lineage;
            }
            if (entry.boundTo == null && entry.opener != Opener.REMOTE && managed(entry.tuple)) {
                setWhy(entry, SessionRegistry.Unbound.CLAIMING, claiming);
                queue(association, entry.tuple);
            }
        }
        if (!claiming.isEmpty()) {
            ctx.changes.bindings(claiming, null, null);
        }
    }

    /**
     * Our key agreement on {@code path} failed: our sessions there stay unbound, as without an agent, until the
     * retry pause ends; then, if any of them still lives, agreement is tried again (the peer's agent may only have
     * been overloaded, or restarting). Each failure in a row doubles the pause.
     */
    void agreementFailed(AddressPair path) {
        List<BindingChange> changes = new ArrayList<>();
        for (SessionRegistry.Entry entry : ctx.sessions.ofPair(path)) {
            if (entry.boundTo == null && entry.opener != Opener.REMOTE) {
                setWhy(entry, SessionRegistry.Unbound.NO_AGENT, changes);
            }
        }
        if (!changes.isEmpty()) {
            ctx.changes.bindings(changes, null, null);
            agreement.retryAt(path).ifPresent(at -> ctx.loop.schedule(Duration.between(ctx.now(), at),
                    () -> retryAgreement(path)));
        }
    }

    private void retryAgreement(AddressPair path) {
        List<SessionRegistry.Entry> waiting = ctx.sessions.ofPair(path).stream()
                .filter(entry -> entry.boundTo == null && entry.opener != Opener.REMOTE && managed(entry.tuple))
                .toList();
        if (waiting.isEmpty() || ctx.associations.usableFor(path).isPresent()
                || agreement.ensureKey(path).isPresent()) {
            return;
        }
        List<BindingChange> changes = new ArrayList<>();
        waiting.forEach(entry -> setWhy(entry, SessionRegistry.Unbound.NO_KEY, changes));
        if (!changes.isEmpty()) {
            ctx.changes.bindings(changes, null, null);
        }
    }

    /** The lineage is gone: its sessions keep their rewriting but are bound to no key any more. */
    void erased(Association association) {
        List<BindingChange> changes = new ArrayList<>();
        for (SessionTuple tuple : ctx.sessions.unbindAll(association, SessionRegistry.Unbound.KEY_GONE)) {
            changes.add(BindingChange.unbound(tuple, SessionRegistry.Unbound.KEY_GONE));
        }
        association.claims.queued.clear();
        if (!changes.isEmpty()) {
            ctx.changes.bindings(changes, null, null);
        }
    }

    /** Restores a binding saved before a restart (the session is live again, the lineage still here). */
    void restoreBinding(SessionTuple tuple, Association association) {
        SessionRegistry.Entry entry = ctx.sessions.get(tuple);
        if (entry != null && entry.boundTo == null) {
            ctx.sessions.bind(entry, association, ctx.now());
        }
    }

    // ---- our claims ----

    private void queue(Association association, SessionTuple tuple) {
        association.claims.queued.add(tuple);
        scheduleFlush(association);
    }

    /** Sessions wait to be claimed, or a claim was answered or given up and the window has room for the next. */
    private void scheduleFlush(Association association) {
        if (!association.claims.queued.isEmpty() && !association.claims.flushScheduled) {
            association.claims.flushScheduled = true;
            // After the messages already queued: sessions opened together go in one claim.
            ctx.loop.execute(() -> flush(association));
        }
    }

    private void flush(Association association) {
        association.claims.flushScheduled = false;
        if (ctx.associations.byLineage(association.lineage) != association) {
            return;
        }
        var it = association.claims.queued.iterator();
        while (association.claims.outstanding.size() < WINDOW && it.hasNext()) {
            List<SessionTuple> batch = new ArrayList<>(MAX_ENTRIES);
            while (batch.size() < MAX_ENTRIES && it.hasNext()) {
                SessionTuple tuple = it.next();
                it.remove();
                SessionRegistry.Entry entry = ctx.sessions.get(tuple);
                if (entry != null && entry.boundTo == null) {
                    batch.add(tuple);
                }
            }
            if (!batch.isEmpty()) {
                sendClaim(association, batch);
            }
        }
    }

    private void sendClaim(Association association, List<SessionTuple> sessions) {
        List<ClaimEntry> entries = new ArrayList<>(sessions.size());
        for (SessionTuple tuple : sessions) {
            entries.add(entryFor(tuple, ctx.sessions.get(tuple).proof));
        }
        long number = ++association.claims.lastClaimNumber;
        OutstandingClaim claim = new OutstandingClaim(number, sessions, entries, ctx.now());
        association.claims.outstanding.put(number, claim);
        Retransmission[] self = new Retransmission[1];
        self[0] = Retransmission.start(ctx, RetransmitPolicy.CLAIM, () -> {
            // Signed at each transmission for the addresses the lineage uses now (either side may move meanwhile).
            AssociationKey key = association.keys.current;
            SentClaim sent = key.claimMessages.claim(number, association.localOriginal(),
                    association.peerOriginal(), entries,
                    ctx.toPeer(association, association.own.confirmed, association.peer.current));
            claim.sent = sent;
            ctx.send(sent.claim(), sent.envelope());
        }, () -> {
            if (association.claims.outstanding.remove(number, claim)) {
                unanswered(association, claim);
                scheduleFlush(association);
            }
        });
        claim.retransmission = self[0];
        association.lastUsed = ctx.now();
    }

    /**
     * No answer to a claim through all its retransmissions. If the peer answered anything since it was first sent,
     * the claim (or its reply) was lost on the way: its sessions are claimed again, a few rounds at most. Otherwise
     * the peer's agent is gone or was never there, and the sessions stay unbound as without one.
     */
    private void unanswered(Association association, OutstandingClaim claim) {
        boolean peerAlive = association.lastHeard != null && !association.lastHeard.isBefore(claim.firstSent);
        List<BindingChange> changes = new ArrayList<>();
        int again = 0;
        for (SessionTuple tuple : claim.sessions) {
            SessionRegistry.Entry entry = ctx.sessions.get(tuple);
            if (entry == null || entry.boundTo != null) {
                continue;
            }
            int rounds = unansweredRounds.merge(tuple, 1, Integer::sum);
            if (peerAlive && rounds < UNANSWERED_ROUNDS) {
                association.claims.queued.add(tuple);
                again++;
            } else {
                unansweredRounds.remove(tuple);
                setWhy(entry, SessionRegistry.Unbound.NO_AGENT, changes);
            }
        }
        LOG.info("{} did not answer a claim of {} session(s) under key {}; {} claimed again",
                association.peerOriginal(), claim.sessions.size(), association.keys.current.id(), again);
        if (!changes.isEmpty()) {
            ctx.changes.bindings(changes, null, null);
        }
    }

    /** The entry naming a session as we see it, with the proof of its opening we recorded (or none). */
    static ClaimEntry entryFor(SessionTuple tuple, Optional<OpeningProof> proof) {
        ClaimProtocol protocol = tuple.protocol() == SessionProtocol.TCP ? ClaimProtocol.TCP : ClaimProtocol.UDP;
        int holderPort = tuple.local().port();
        int peerPort = tuple.remote().port();
        if (proof.isEmpty()) {
            return ClaimEntry.withoutRecord(protocol, holderPort, peerPort);
        }
        if (protocol == ClaimProtocol.TCP) {
            byte[] octets = new byte[16];
            System.arraycopy(proof.get().ours().toByteArray(), 0, octets, 0, 4);
            System.arraycopy(proof.get().theirs().toByteArray(), 0, octets, 4, 4);
            return ClaimEntry.tcp(holderPort, peerPort, Octets.of(octets));
        }
        return ClaimEntry.udp(holderPort, peerPort, ClaimProofs.udpProof(proof.get().ours(), proof.get().theirs()));
    }

    void onClaimReply(ClaimReply reply, Arrival arrival)
            throws SacipProtocolException {
        Association association = ctx.associations.byKeyId(reply.keyId());
        if (association == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + reply.keyId());
        }
        OutstandingClaim claim = association.claims.outstanding.get(reply.claimNumber());
        if (claim == null || claim.sent == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "CLAIM_REPLY to no claim of ours (number " + Long.toUnsignedString(reply.claimNumber()) + ")");
        }
        association.keyFor(reply.keyId()).claimVerifier.verifyReply(reply, claim.sent,
                arrival);
        association.claims.outstanding.remove(reply.claimNumber());
        claim.cancel();
        association.lastHeard = ctx.now();
        List<BindingChange> changes = new ArrayList<>();
        for (int i = 0; i < claim.sessions.size(); i++) {
            SessionTuple tuple = claim.sessions.get(i);
            SessionRegistry.Entry entry = ctx.sessions.get(tuple);
            if (entry == null) {
                continue;
            }
            ClaimVerdict verdict = reply.entries().get(i).verdict();
            boolean claimedAgain = false;
            // Through a NAT translating us, the peer finds a session only by its record (6.9): "no such session"
            // there means unmatched here.
            SessionRegistry.Unbound noSuchSession = association.localBehindNat ? SessionRegistry.Unbound.UNMATCHED
                    : SessionRegistry.Unbound.PEER_HAS_NO_SUCH_SESSION;
            switch (verdict) {
                case BOUND -> {
                    ctx.sessions.bind(entry, association, ctx.now());
                    entry.ourPublic = ourPublic(tuple, reply.entries().get(i).seenHolderPort(), arrival);
                    changes.add(BindingChange.bound(tuple, association.lineage));
                    notYetSeenTries.remove(tuple);
                    unansweredRounds.remove(tuple);
                }
                case NOT_YET_SEEN -> {
                    int tries = notYetSeenTries.merge(tuple, 1, Integer::sum);
                    if (tries < NOT_YET_SEEN_TRIES) {
                        ctx.loop.schedule(NOT_YET_SEEN_RETRY, () -> {
                            if (ctx.sessions.get(tuple) == entry && entry.boundTo == null) {
                                queue(association, tuple);
                            }
                        });
                    } else {
                        notYetSeenTries.remove(tuple);
                        setWhy(entry, noSuchSession, changes);
                    }
                }
                case HELD_BY_OTHER_KEY -> setWhy(entry, SessionRegistry.Unbound.HELD_BY_OTHER_KEY, changes);
                case NO_SUCH_SESSION -> setWhy(entry, noSuchSession, changes);
                case PROOF_MISMATCH -> setWhy(entry, SessionRegistry.Unbound.PROOF_MISMATCH, changes);
                case NOT_ELIGIBLE -> {
                    if (!claim.sentWithRecord(i) && entry.proof.isPresent()) {
                        // The record of its opening came after the claim went without it: claim with it now.
                        queue(association, tuple);
                        claimedAgain = true;
                    } else {
                        setWhy(entry, SessionRegistry.Unbound.NOT_ELIGIBLE, changes);
                    }
                }
                case LIMIT -> setWhy(entry, SessionRegistry.Unbound.LIMIT, changes);
                default -> throw new IllegalStateException("verdict " + verdict);
            }
            if (verdict != ClaimVerdict.BOUND && verdict != ClaimVerdict.NOT_YET_SEEN && !claimedAgain) {
                LOG.info("{} refused our claim of {} under key {}: {}", association.peerOriginal(), tuple,
                        association.keys.current.id(), verdict);
            }
        }
        listener.boundCountChanged(association);
        if (!changes.isEmpty()) {
            ctx.changes.bindings(changes, null, null);
            ctx.persistence.soon();
        }
        scheduleFlush(association);
    }

    /**
     * Our endpoint as the peer's socket knows it, when a NAT translates it: the port the peer saw, at the address the
     * peer stated it answered to (13.4). Null when nothing translated us.
     */
    private static Endpoint ourPublic(SessionTuple tuple, int seenPort, Arrival arrival) {
        InetAddress address = arrival instanceof Arrival.Udp udp
                ? udp.stated().statedDestination().address().toInetAddress() : tuple.local().address();
        Endpoint seen = new Endpoint(address, seenPort);
        return seen.equals(tuple.local()) ? null : seen;
    }

    // ---- the peer's claims ----

    void onClaim(Claim claim, Arrival arrival) throws SacipProtocolException {
        SacipAddress source = arrival.source();
        Association association = ctx.associations.byKeyId(claim.keyId());
        if (association == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + claim.keyId());
        }
        AssociationKey key = association.keyFor(claim.keyId());
        key.claimVerifier.verifyClaim(claim, arrival);
        if (!source.equals(association.peer.current)) {
            throw new SacipProtocolException(SacipProtocolException.Reason.WRONG_ADDRESS, "CLAIM from " + source
                    + ", the peer is at " + association.peer.current);
        }
        if (!claim.holderAddress().equals(association.peerOriginal())
                || !claim.peerAddress().equals(association.localOriginal())) {
            throw new SacipProtocolException(SacipProtocolException.Reason.WRONG_ADDRESS, "claim of sessions "
                    + claim.holderAddress() + " <-> " + claim.peerAddress() + " under a key bound to "
                    + association.peerOriginal() + " <-> " + association.localOriginal());
        }
        association.lastHeard = ctx.now();
        association.lastUsed = ctx.now();
        if (association.claims.committing.contains(claim.claimNumber())) {
            // This claim's bindings are being committed; its reply goes once they are.
            return;
        }
        List<ClaimReplyEntry> verdicts = new ArrayList<>(claim.entries().size());
        List<SessionRegistry.Entry> newlyBound = new ArrayList<>();
        // The sessions from the NAT's address, by our port: read once per claim, not once per entry.
        java.util.Map<Integer, List<SessionRegistry.Entry>> fromNat = null;
        for (ClaimEntry entry : claim.entries()) {
            SessionRegistry.Entry session = ctx.sessions.get(tupleOf(entry, association));
            ClaimVerdict verdict;
            if (session == null && association.peerBehindNat) {
                if (fromNat == null) {
                    fromNat = sessionsFromNat(association);
                }
                session = throughNat(entry, fromNat);
                // Without a record nothing can match through the NAT: the holder need not ask again.
                verdict = session == null && !entry.hasRecord() ? ClaimVerdict.NO_SUCH_SESSION
                        : verdict(entry, session, association, newlyBound.size());
            } else {
                verdict = verdict(entry, session, association, newlyBound.size());
            }
            if (verdict == ClaimVerdict.BOUND && session.boundTo != association) {
                ctx.sessions.bind(session, association, ctx.now());
                session.peerOwn = peerOwn(entry, session, association);
                newlyBound.add(session);
            }
            // The holder learns how this host's socket sees its port (the NAT's mapping).
            verdicts.add(ClaimReplyEntry.answering(entry, verdict,
                    session == null ? entry.holderPort() : session.tuple.remote().port()));
        }
        ClaimReply reply = key.claimMessages.reply(claim, claim.holderAddress(), verdicts,
                arrival);
        if (newlyBound.isEmpty()) {
            ctx.send(reply, arrival.answer());
            return;
        }
        listener.boundCountChanged(association);
        List<BindingChange> changes = newlyBound.stream()
                .map(s -> BindingChange.bound(s.tuple, association.lineage, s.peerOwn)).toList();
        long number = claim.claimNumber();
        association.claims.committing.add(number);
        ctx.changes.bindings(changes, association.lineage, committed -> {
            association.claims.committing.remove(number);
            if (committed) {
                ctx.send(reply, arrival.answer());
                ctx.persistence.soon();
            } else {
                // The data path could not carry them: unbound again, no reply (the claim will come again).
                newlyBound.forEach(ctx.sessions::unbind);
                listener.boundCountChanged(association);
            }
        });
    }

    /** The session a claim entry names, as our socket sees it. */
    private static SessionTuple tupleOf(ClaimEntry entry, Association association) {
        SessionProtocol protocol = entry.protocol() == ClaimProtocol.TCP ? SessionProtocol.TCP : SessionProtocol.UDP;
        return new SessionTuple(protocol,
                new Endpoint(association.localOriginal().toInetAddress(), entry.peerPort()),
                new Endpoint(association.peerOriginal().toInetAddress(), entry.holderPort()));
    }

    /**
     * The session a claim entry names when a NAT translates the peer (PROTOCOL.md 6.9 step 1): this host's socket
     * knows the holder at the NAT's public address, where the holder's port may be another, and several hosts behind
     * that NAT may use the same port. Only the opening record tells them apart: ports alone never match. Null when
     * no session of ours at the NAT's address, on the claim's port of ours, has the claimed proof.
     */
    private static SessionRegistry.Entry throughNat(ClaimEntry entry,
            java.util.Map<Integer, List<SessionRegistry.Entry>> fromNat) {
        if (!entry.hasRecord()) {
            return null;
        }
        SessionProtocol protocol = entry.protocol() == ClaimProtocol.TCP ? SessionProtocol.TCP : SessionProtocol.UDP;
        for (SessionRegistry.Entry session : fromNat.getOrDefault(entry.peerPort(), List.of())) {
            if (session.tuple.protocol() == protocol && proofMatches(entry, session)) {
                return session;
            }
        }
        return null;
    }

    /**
     * The sessions the peer's side opened from the NAT's public address (the address of the lineage's path), with a
     * record of their opening, by this host's port.
     */
    private java.util.Map<Integer, List<SessionRegistry.Entry>> sessionsFromNat(Association association) {
        java.util.Map<Integer, List<SessionRegistry.Entry>> byPort = new java.util.HashMap<>();
        if (association.udpPeer == null) {
            return byPort;
        }
        AddressPair pair = new AddressPair(association.localOriginal(), association.udpPeer.address());
        for (SessionRegistry.Entry session : ctx.sessions.ofPair(pair)) {
            if (session.opener == Opener.REMOTE && session.proof.isPresent()) {
                byPort.computeIfAbsent(session.tuple.local().port(), p -> new ArrayList<>(1)).add(session);
            }
        }
        return byPort;
    }

    /** The holder's own endpoint, when it is not the one this host's socket knows (a NAT translated it). */
    private static Endpoint peerOwn(ClaimEntry entry, SessionRegistry.Entry session, Association association) {
        Endpoint own = new Endpoint(association.peerOriginal().toInetAddress(), entry.holderPort());
        return own.equals(session.tuple.remote()) ? null : own;
    }

    private static boolean proofMatches(ClaimEntry entry, SessionRegistry.Entry session) {
        byte[] proof = entry.proof().toByteArray();
        int half = session.tuple.protocol() == SessionProtocol.TCP ? 4 : 8;
        return session.proof.get().matchesClaim(Octets.of(proof, 0, half), Octets.of(proof, half, half));
    }

    private ClaimVerdict verdict(ClaimEntry entry, SessionRegistry.Entry session, Association association,
            int boundInThisClaim) {
        if (session == null) {
            return ClaimVerdict.NOT_YET_SEEN;
        }
        if (session.boundTo == association) {
            return ClaimVerdict.BOUND;
        }
        if (session.boundTo != null) {
            return ClaimVerdict.HELD_BY_OTHER_KEY;
        }
        if (association.boundSessions + boundInThisClaim >= ctx.limits.maxSessionsPerKey()) {
            return ClaimVerdict.LIMIT;
        }
        if (entry.hasRecord() && session.proof.isPresent()) {
            return proofMatches(entry, session) ? ClaimVerdict.BOUND : ClaimVerdict.PROOF_MISMATCH;
        }
        return association.lineage.equals(session.eligible) ? ClaimVerdict.BOUND : ClaimVerdict.NOT_ELIGIBLE;
    }

    void close() {
        // The lineages' own timers hold the retransmissions; they stop with them.
    }
}
