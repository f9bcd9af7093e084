package org.sacip.agent.peer.protocol;

import org.sacip.agent.state.StateFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.sacip.agent.peer.transport.PeerMessageListener;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.HandshakeResponder;
import org.sacip.protocol.handshake.InitiationTieBreak;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.handshake.StatelessCookies;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UpdateAck;
import org.sacip.protocol.move.ReachabilityCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SACIP v1 peer protocol of one agent (docs/PROTOCOL.md sections 6 to 10): key agreement as initiator and
 * responder, moves announced and verified, retransmission, drops counted by reason, sessions persisted. Every
 * state change happens on the {@link EngineLoop}'s one thread; the public methods only post work there.
 */
public final class PeerProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(PeerProtocol.class);
    /** Sequence numbers reserved (and persisted) ahead of use, so most moves cost no disk write. */
    static final long SEQUENCE_RESERVATION = 64;
    static final Duration RETRY_AFTER_FAILED_HANDSHAKE = Duration.ofSeconds(60);
    static final Duration PENDING_HANDSHAKE_LIFETIME = Duration.ofSeconds(30);
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(10);
    static final Duration COOKIE_ROTATION = Duration.ofHours(1);
    /** Received messages that may wait for the engine thread; beyond that a flood is dropped before any work. */
    static final int MAX_QUEUED_MESSAGES = 4096;

    private final EngineLoop loop;
    private final PeerLink link;
    private final PeerProtocolListener listener;
    private final StateStore store;
    private final SecureRandom random;
    private final DropCounters drops = new DropCounters();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final HandshakeRateLimiter handshakeLimiter = new HandshakeRateLimiter();
    private StatelessCookies cookies;
    private HandshakeResponder responder;

    /** Sessions by (local original, peer original), and the same sessions by key id. */
    private final Map<AddressPair, Session> sessions = new HashMap<>();
    private final Map<Octets, Session> sessionsByKeyId = new HashMap<>();
    private final Map<AddressPair, Initiation> initiations = new HashMap<>();
    private final Map<AddressPair, Responding> respondings = new HashMap<>();
    private final Map<AddressPair, List<CompletableFuture<Void>>> keyWaiters = new HashMap<>();
    private final Map<AddressPair, Instant> failedHandshakes = new HashMap<>();
    private EngineLoop.Timer cookieRotation;
    private boolean closed;

    private PeerProtocol(EngineLoop loop, PeerLink link, PeerProtocolListener listener, StateStore store,
            SecureRandom random) {
        this.loop = loop;
        this.link = link;
        this.listener = listener;
        this.store = store;
        this.random = random;
        this.cookies = StatelessCookies.withSecret(randomOctets(32));
        this.responder = new HandshakeResponder(cookies, HandshakeResponder.Freshness.from(random));
    }

    /**
     * An engine with the sessions of {@code stateDirectory} (created, mode 0700, when missing).
     *
     * @throws StateFileException when the state file cannot be read or is not one this engine wrote
     */
    public static PeerProtocol open(EngineLoop loop, PeerLink link, PeerProtocolListener listener,
            Path stateDirectory, SecureRandom random) throws StateFileException {
        StateStore store = new StateStore(stateDirectory);
        PeerProtocol protocol = new PeerProtocol(loop, link, listener, store, random);
        for (PersistedSession persisted : store.load()) {
            protocol.index(new Session(persisted));
        }
        loop.execute(protocol::scheduleCookieRotation);
        return protocol;
    }

    /** Feeds the engine from the pcap transport. */
    public PeerMessageListener transportListener() {
        return message -> receive(SacipAddress.of(message.source()), SacipAddress.of(message.destination()),
                message.icmp());
    }

    /** A captured ICMP message with its outer addresses; handled later on the engine thread. */
    public void receive(SacipAddress source, SacipAddress destination, byte[] icmp) {
        if (queuedMessages.incrementAndGet() > MAX_QUEUED_MESSAGES) {
            queuedMessages.decrementAndGet();
            drops.countOnly(DropReason.OVERLOAD);
            return;
        }
        byte[] copy = icmp.clone();
        loop.execute(() -> {
            queuedMessages.decrementAndGet();
            handle(source, destination, copy);
        });
    }

    public DropCounters drops() {
        return drops;
    }

    /**
     * Agrees keys with the peer from {@code localOriginal} to {@code peerOriginal} unless they exist; the future
     * completes when keys are in use, or fails with {@link KeyAgreementException}.
     */
    public CompletableFuture<Void> ensureKey(SacipAddress localOriginal, SacipAddress peerOriginal) {
        AddressPair pair = new AddressPair(localOriginal, peerOriginal);
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> ensureKeyNow(pair, result));
        return result;
    }

    /**
     * This host's session(s) from {@code localOriginal} now live at {@code newCurrent}: tell each peer (original
     * addresses) with a fresh sequence number, from the new address, until it acknowledges or gives up.
     */
    public void announceMove(SacipAddress localOriginal, SacipAddress newCurrent, Collection<SacipAddress> peers) {
        if (localOriginal.family() != newCurrent.family()) {
            throw new IllegalArgumentException("a move keeps the address family: " + localOriginal + " -> "
                    + newCurrent);
        }
        List<SacipAddress> peerList = List.copyOf(peers);
        for (SacipAddress peer : peerList) {
            if (peer.family() != localOriginal.family()) {
                throw new IllegalArgumentException("peer " + peer + " is not of the family of " + localOriginal);
            }
        }
        loop.execute(() -> peerList.forEach(peer -> announceNow(localOriginal, newCurrent, peer)));
    }

    /** A copy of one session's state, read on the engine thread. */
    public CompletableFuture<Optional<SessionView>> session(SacipAddress localOriginal, SacipAddress peerOriginal) {
        CompletableFuture<Optional<SessionView>> result = new CompletableFuture<>();
        loop.execute(() -> result.complete(Optional.ofNullable(sessions.get(new AddressPair(localOriginal,
                peerOriginal))).map(PeerProtocol::view)));
        return result;
    }

    /** Copies of every session's state, read on the engine thread. */
    public CompletableFuture<List<SessionView>> sessions() {
        CompletableFuture<List<SessionView>> result = new CompletableFuture<>();
        loop.execute(() -> result.complete(sessions.values().stream().map(PeerProtocol::view).toList()));
        return result;
    }

    private static SessionView view(Session s) {
        return new SessionView(s.localOriginal(), s.peerOriginal(), s.localCurrent, s.peerCurrent, s.keys.keyId(),
                s.lastSequenceSent, s.lastAccepted.map(PersistedSession.AcceptedUpdate::sequence).orElse(0L),
                Optional.ofNullable(s.lastHeard), Optional.ofNullable(s.roundTrip));
    }

    /** Stops every timer; the state on disk stays. */
    public void close() {
        loop.execute(() -> {
            closed = true;
            sessions.values().forEach(Session::stopTimers);
            initiations.values().forEach(Initiation::abandon);
            respondings.values().forEach(Responding::drop);
            if (cookieRotation != null) {
                cookieRotation.cancel();
            }
            keyWaiters.values().forEach(list -> list.forEach(f -> f.completeExceptionally(
                    new KeyAgreementException("engine closed"))));
            keyWaiters.clear();
        });
    }

    // ---- key agreement ----

    private void ensureKeyNow(AddressPair pair, CompletableFuture<Void> result) {
        if (sessions.containsKey(pair)) {
            result.complete(null);
            return;
        }
        Instant failed = failedHandshakes.get(pair);
        if (failed != null && loop.now().isBefore(failed.plus(RETRY_AFTER_FAILED_HANDSHAKE))) {
            result.completeExceptionally(new KeyAgreementException("handshake with " + pair.peer()
                    + " failed recently; retry not before " + failed.plus(RETRY_AFTER_FAILED_HANDSHAKE)));
            return;
        }
        keyWaiters.computeIfAbsent(pair, p -> new ArrayList<>()).add(result);
        if (!initiations.containsKey(pair) && !respondings.containsKey(pair)) {
            startInitiation(pair);
        }
    }

    private void startInitiation(AddressPair path) {
        Initiation initiation = new Initiation(path, HandshakeInitiator.first(path, random));
        initiations.put(path, initiation);
        byte[] hello = SacipEncoder.encode(initiation.initiator.hello(), path.local(), path.peer());
        initiation.retransmission = Retransmission.start(loop, RetransmitPolicy.HANDSHAKE, random,
                () -> link.send(path.local(), path.peer(), hello), () -> initiationFailed(initiation));
    }

    private void initiationFailed(Initiation initiation) {
        if (initiations.get(initiation.path) != initiation) {
            return;
        }
        initiations.remove(initiation.path);
        failedHandshakes.put(initiation.path, loop.now());
        LOG.info("no key agreed with {} from {}: no answer", initiation.path.peer(), initiation.path.local());
        List<CompletableFuture<Void>> waiting = keyWaiters.remove(initiation.path);
        if (waiting != null) {
            KeyAgreementException failure = new KeyAgreementException("no answer from " + initiation.path.peer()
                    + " after " + RetransmitPolicy.HANDSHAKE.transmissions() + " transmissions");
            waiting.forEach(f -> f.completeExceptionally(failure));
        }
    }

    private void onHello(Hello hello, SacipAddress source, SacipAddress destination) {
        // Stateless: always answered, also while our own handshake with this peer waits for a cookie (6.5).
        CookieReply reply = responder.onHello(hello, source, destination, loop.now());
        link.send(destination, source, SacipEncoder.encode(reply, destination, source));
    }

    private void onCookie(CookieReply reply, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        Initiation initiation = initiations.get(new AddressPair(destination, source));
        if (initiation == null || initiation.state != Initiation.State.WAIT_COOKIE) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "COOKIE without a handshake waiting for one");
        }
        Init init = initiation.initiator.onCookie(reply);
        initiation.state = Initiation.State.WAIT_REPLY;
        initiation.retransmission.cancel();
        byte[] octets = SacipEncoder.encode(init, destination, source);
        initiation.retransmission = Retransmission.start(loop, RetransmitPolicy.HANDSHAKE, random,
                () -> link.send(destination, source, octets), () -> initiationFailed(initiation));
    }

    private void onInit(Init init, SacipAddress source, SacipAddress destination) throws SacipProtocolException {
        AddressPair path = new AddressPair(destination, source);
        Instant now = loop.now();
        if (!cookies.verify(init.cookie(), now, source, destination, init.initiatorNonce())) {
            throw new SacipProtocolException(SacipProtocolException.Reason.BAD_COOKIE,
                    "cookie not minted for " + source + " recently");
        }
        Responding existing = respondings.get(path);
        if (existing != null && existing.initiatorNonce.equals(init.initiatorNonce())) {
            existing.retransmission.transmitOnce();
            return;
        }
        Initiation own = initiations.get(path);
        if (own != null) {
            Octets ownNonce = own.initiator.nonce();
            if (InitiationTieBreak.localContinues(ownNonce, init.initiatorNonce())) {
                throw new SacipProtocolException(SacipProtocolException.Reason.LOST_TIE_BREAK,
                        "our initiation with " + source + " has the larger nonce");
            }
            own.abandon();
            initiations.remove(path);
            if (!InitiationTieBreak.localYields(ownNonce, init.initiatorNonce())) {
                // Equal nonces: both sides start again with fresh ones.
                startInitiation(path);
                return;
            }
        }
        PendingHandshake pending = responder.onInit(init, source, destination, now);
        if (existing != null) {
            existing.drop();
        }
        Responding responding = new Responding(init.initiatorNonce(), pending);
        respondings.put(path, responding);
        byte[] reply = SacipEncoder.encode(pending.reply(), destination, source);
        responding.retransmission = Retransmission.start(loop, RetransmitPolicy.INIT_REPLY, random,
                () -> link.send(destination, source, reply), () -> { });
        responding.expiry = loop.schedule(PENDING_HANDSHAKE_LIFETIME, () -> {
            if (respondings.get(path) == responding) {
                respondings.remove(path);
                responding.drop();
                LOG.debug("pending handshake from {} expired without confirmation", source);
            }
        });
    }

    private void onInitReply(InitReply reply, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        AddressPair path = new AddressPair(destination, source);
        Initiation initiation = initiations.get(path);
        if (initiation != null && initiation.state == Initiation.State.WAIT_REPLY) {
            InitiatorCompletion completion = initiation.initiator.onInitReply(reply, source, destination);
            initiation.abandon();
            initiations.remove(path);
            Session session = install(completion.keys(), Role.INITIATOR);
            session.answeredReply = reply;
            session.confirm = completion.confirm();
            link.send(destination, source, SacipEncoder.encode(completion.confirm(), destination, source));
            return;
        }
        Session session = sessions.get(path);
        if (session != null && reply.equals(session.answeredReply)) {
            // The responder did not get our confirmation: repeat it (6.2).
            link.send(destination, source, SacipEncoder.encode(session.confirm, destination, source));
            return;
        }
        throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                "INIT_REPLY without a handshake waiting for one");
    }

    private void onInitConfirm(InitConfirm confirm, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        AddressPair path = new AddressPair(destination, source);
        Responding responding = respondings.get(path);
        if (responding == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "INIT_CONFIRM without a pending handshake");
        }
        SessionKeys keys = responding.pending.onConfirm(confirm, source, destination);
        responding.drop();
        respondings.remove(path);
        install(keys, Role.RESPONDER);
    }

    /** Binding rule (6.4): a confirmed handshake from X to Y replaces the key bound to (X, Y), nothing else. */
    private Session install(SessionKeys keys, Role role) {
        AddressPair bound = keys.boundAddresses(role);
        Session previous = sessions.get(bound);
        long reserved = 0;
        if (previous != null) {
            previous.stopTimers();
            sessionsByKeyId.remove(previous.keys.keyId());
            // Our numbers keep rising across a new key too; the peer's acceptor for the new key starts empty.
            reserved = previous.sequenceReserved;
        }
        Session session = new Session(new PersistedSession(keys, role, bound.local(), bound.peer(), reserved,
                Optional.empty()));
        index(session);
        failedHandshakes.remove(bound);
        persist();
        LOG.info("key {} agreed with {} from {} as {}", keys.keyId(), bound.peer(), bound.local(), role);
        listener.keyEstablished(bound.local(), bound.peer());
        List<CompletableFuture<Void>> waiting = keyWaiters.remove(bound);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(null));
        }
        return session;
    }

    private void index(Session session) {
        sessions.put(session.bound(), session);
        sessionsByKeyId.put(session.keys.keyId(), session);
    }

    // ---- moves: our side ----

    private void announceNow(SacipAddress localOriginal, SacipAddress newCurrent, SacipAddress peer) {
        Session session = sessions.get(new AddressPair(localOriginal, peer));
        if (session == null) {
            LOG.info("cannot announce move of {} to {} to {}: no key", localOriginal, newCurrent, peer);
            listener.moveNotConfirmed(new PeerProtocolListener.OwnMove(localOriginal, newCurrent, peer, 0));
            return;
        }
        long sequence = session.lastSequenceSent + 1;
        if (Long.compareUnsigned(sequence, session.sequenceReserved) > 0) {
            long before = session.sequenceReserved;
            session.sequenceReserved = sequence + SEQUENCE_RESERVATION;
            if (!persist()) {
                // Never send a number that a restart could hand out again.
                session.sequenceReserved = before;
                listener.moveNotConfirmed(new PeerProtocolListener.OwnMove(localOriginal, newCurrent, peer, 0));
                return;
            }
        }
        session.lastSequenceSent = sequence;
        if (session.outgoingRetransmission != null) {
            session.outgoingRetransmission.cancel();
        }
        PeerProtocolListener.OwnMove move = new PeerProtocolListener.OwnMove(localOriginal, newCurrent, peer,
                sequence);
        AddressUpdate update = session.messages.update(sequence, newCurrent, session.peerCurrent);
        session.outgoingUpdate = update;
        session.updateSentAt = loop.now();
        Retransmission[] self = new Retransmission[1];
        // Signed for the peer's current address at each transmission: it may move meanwhile (7.1).
        self[0] = Retransmission.start(loop, RetransmitPolicy.ADDRESS_UPDATE, random, () -> {
            AddressUpdate signed = session.messages.update(sequence, newCurrent, session.peerCurrent);
            link.send(newCurrent, session.peerCurrent, SacipEncoder.encode(signed, newCurrent, session.peerCurrent));
        }, () -> {
            if (session.outgoingRetransmission == self[0]) {
                session.outgoingUpdate = null;
                LOG.info("move of {} to {} not confirmed by {}", localOriginal, newCurrent, peer);
                listener.moveNotConfirmed(move);
            }
        });
        session.outgoingRetransmission = self[0];
    }

    private void onUpdateAck(UpdateAck ack, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        Session session = sessionFor(ack.keyId());
        AddressUpdate sent = session.outgoingUpdate;
        if (sent == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "UPDATE_ACK with no update of ours waiting");
        }
        session.verifier.verifyAck(ack, sent, source, destination);
        session.lastHeard = loop.now();
        session.roundTrip = Duration.between(session.updateSentAt, session.lastHeard);
        session.outgoingRetransmission.cancel();
        session.outgoingUpdate = null;
        session.localCurrent = sent.currentAddress();
        persist();
        listener.moveConfirmed(new PeerProtocolListener.OwnMove(session.localOriginal(), sent.currentAddress(),
                session.peerOriginal(), sent.sequence()));
        if (session.checkState == Session.CheckState.RUNNING && !session.checkSource.equals(session.localCurrent)) {
            // Both ends moved: a check of the peer still running from our old address may never be answered.
            startCheck(session, session.lastAcceptedUpdate);
        }
    }

    private void onPathChallenge(PathChallenge challenge, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        Session session = sessionFor(challenge.keyId());
        // Costs one MAC and keeps no state (7.3).
        PathResponse response = ReachabilityCheck.answer(challenge, session.keys, session.role, source, destination);
        link.send(destination, source, SacipEncoder.encode(response, destination, source));
    }

    // ---- moves: the peer's side ----

    private void onAddressUpdate(AddressUpdate update, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        Session session = sessionFor(update.keyId());
        session.verifier.verifyUpdate(update, source, destination);
        session.lastHeard = loop.now();
        Optional<PersistedSession.AcceptedUpdate> last = session.lastAccepted;
        if (last.isPresent() && update.sequence() == last.get().sequence()) {
            boolean same = update.originalAddress().equals(last.get().original())
                    && update.currentAddress().equals(last.get().current());
            if (!same) {
                throw new SacipProtocolException(SacipProtocolException.Reason.CONFLICTING_DUPLICATE, "sequence "
                        + Long.toUnsignedString(update.sequence()) + " was accepted with other addresses");
            }
            answerDuplicate(session, update);
            return;
        }
        if (last.isPresent() && Long.compareUnsigned(update.sequence(), last.get().sequence()) < 0) {
            throw new SacipProtocolException(SacipProtocolException.Reason.STALE_SEQUENCE, "sequence "
                    + Long.toUnsignedString(update.sequence()) + " below the last accepted "
                    + Long.toUnsignedString(last.get().sequence()));
        }
        session.lastAccepted = Optional.of(new PersistedSession.AcceptedUpdate(update.sequence(),
                update.originalAddress(), update.currentAddress()));
        session.lastAcceptedUpdate = update;
        startCheck(session, update);
    }

    /** The last accepted update again: its acknowledgement or challenge was lost (7.2 step 3). */
    private void answerDuplicate(Session session, AddressUpdate update) {
        switch (session.checkState) {
            case PASSED:
                sendAck(session, update);
                break;
            case RUNNING:
                session.checkRetransmission.transmitOnce();
                break;
            default:
                if (!loop.now().isBefore(session.checkStarted.plus(RECHECK_INTERVAL))) {
                    startCheck(session, update);
                }
                break;
        }
    }

    private void startCheck(Session session, AddressUpdate update) {
        if (session.checkRetransmission != null) {
            session.checkRetransmission.cancel();
        }
        SacipAddress local = session.localCurrent;
        ReachabilityCheck check = ReachabilityCheck.start(session.keys, session.role, local,
                update.currentAddress(), random);
        session.check = check;
        session.checkSource = local;
        session.checkState = Session.CheckState.RUNNING;
        session.checkStarted = loop.now();
        byte[] challenge = SacipEncoder.encode(check.challenge(), local, update.currentAddress());
        Retransmission[] self = new Retransmission[1];
        self[0] = Retransmission.start(loop, RetransmitPolicy.PATH_CHALLENGE, random,
                () -> link.send(local, update.currentAddress(), challenge), () -> {
                    if (session.checkRetransmission == self[0]) {
                        session.checkState = Session.CheckState.ABANDONED;
                        LOG.info("{} did not answer the reachability check at {}", session.peerOriginal(),
                                update.currentAddress());
                    }
                });
        session.checkRetransmission = self[0];
    }

    private void onPathResponse(PathResponse response, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        Session session = sessionFor(response.keyId());
        if (session.checkState != Session.CheckState.RUNNING) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "PATH_RESPONSE with no reachability check running");
        }
        session.check.verify(response, source, destination);
        session.lastHeard = loop.now();
        session.roundTrip = Duration.between(session.checkStarted, session.lastHeard);
        session.checkRetransmission.cancel();
        session.checkState = Session.CheckState.PASSED;
        AddressUpdate update = session.lastAcceptedUpdate;
        session.peerCurrent = update.currentAddress();
        session.confirmedAccepted = session.lastAccepted;
        // The rewrite first, the acknowledgement next (it lets the peer send from its new address), the disk last:
        // an fsync here would lengthen every handover.
        listener.peerMoved(session.localOriginal(), session.peerOriginal(), session.peerCurrent);
        sendAck(session, update);
        persist();
        if (session.outgoingRetransmission != null && session.outgoingRetransmission.isRunning()) {
            // Our own unacknowledged update goes to the peer's new address at once (7.1).
            session.outgoingRetransmission.transmitOnce();
        }
    }

    private void sendAck(Session session, AddressUpdate update) {
        UpdateAck ack = session.messages.acknowledge(update, session.localCurrent);
        link.send(session.localCurrent, update.currentAddress(),
                SacipEncoder.encode(ack, session.localCurrent, update.currentAddress()));
    }

    // ---- receiving ----

    private void handle(SacipAddress source, SacipAddress destination, byte[] icmp) {
        if (closed) {
            return;
        }
        SacipMessage message;
        try {
            message = SacipDecoder.decode(icmp, source, destination);
        } catch (SacipCodecException e) {
            drops.drop(DropReason.of(e), "from " + source + ": " + e.getMessage(), loop.now());
            return;
        }
        LOG.debug("received {} from {} to {}", message.kind(), source, destination);
        if ((message instanceof Hello || message instanceof Init)
                && !handshakeLimiter.allow(source.toInetAddress(), loop.now())) {
            drops.drop(DropReason.RATE_LIMITED, message.kind() + " from " + source, loop.now());
            return;
        }
        try {
            dispatch(message, source, destination);
        } catch (SacipProtocolException e) {
            drops.drop(DropReason.of(e), message.kind() + " from " + source + ": " + e.getMessage(), loop.now());
        }
    }

    private void dispatch(SacipMessage message, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        if (message instanceof Hello hello) {
            onHello(hello, source, destination);
        } else if (message instanceof CookieReply cookie) {
            onCookie(cookie, source, destination);
        } else if (message instanceof Init init) {
            onInit(init, source, destination);
        } else if (message instanceof InitReply reply) {
            onInitReply(reply, source, destination);
        } else if (message instanceof InitConfirm confirm) {
            onInitConfirm(confirm, source, destination);
        } else if (message instanceof AddressUpdate update) {
            onAddressUpdate(update, source, destination);
        } else if (message instanceof UpdateAck ack) {
            onUpdateAck(ack, source, destination);
        } else if (message instanceof PathChallenge challenge) {
            onPathChallenge(challenge, source, destination);
        } else if (message instanceof PathResponse response) {
            onPathResponse(response, source, destination);
        } else if (message instanceof Refusal refusal) {
            // A hint only (section 9): never changes state here.
            LOG.debug("REFUSAL {} from {}", refusal.reason(), source);
        } else if (message instanceof Rekey) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "key renewal (REKEY) is not handled by this engine");
        }
    }

    private Session sessionFor(Octets keyId) throws SacipProtocolException {
        Session session = sessionsByKeyId.get(keyId);
        if (session == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + keyId);
        }
        return session;
    }

    private boolean persist() {
        List<PersistedSession> snapshot = new ArrayList<>();
        sessions.values().forEach(s -> snapshot.add(s.snapshot()));
        try {
            store.save(snapshot);
            return true;
        } catch (StateFileException e) {
            LOG.error("peer state not saved: {}", e.getMessage());
            return false;
        }
    }

    private void scheduleCookieRotation() {
        if (closed) {
            return;
        }
        cookieRotation = loop.schedule(COOKIE_ROTATION, () -> {
            cookies = cookies.rotate(randomOctets(32));
            responder = responder.withCookies(cookies);
            scheduleCookieRotation();
        });
    }

    private Octets randomOctets(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return Octets.of(bytes);
    }
}
