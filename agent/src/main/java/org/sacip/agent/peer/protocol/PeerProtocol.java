package org.sacip.agent.peer.protocol;

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
import org.sacip.agent.state.StateFileException;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.crypto.MessageAuthenticator;
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
 * responder, key renewal and expiry, moves announced and verified, retransmission, refusals sent and taken as
 * hints, drops counted by reason, sessions persisted. Every state change happens on the {@link EngineLoop}'s one
 * thread; the public methods only post work there.
 */
public final class PeerProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(PeerProtocol.class);
    /** Sequence numbers reserved (and persisted) ahead of use, so most moves cost no disk write. */
    static final long SEQUENCE_RESERVATION = 64;
    static final Duration RETRY_AFTER_FAILED_HANDSHAKE = Duration.ofSeconds(60);
    /** A REFUSAL BUSY or NOT_ALLOWED delays our next attempt this long (section 9). */
    static final Duration RETRY_AFTER_BUSY = Duration.ofSeconds(60);
    static final Duration RETRY_AFTER_NOT_ALLOWED = Duration.ofMinutes(10);
    static final Duration PENDING_HANDSHAKE_LIFETIME = Duration.ofSeconds(30);
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(10);
    static final Duration COOKIE_ROTATION = Duration.ofHours(1);
    /** Received messages that may wait for the engine thread; beyond that a flood is dropped before any work. */
    static final int MAX_QUEUED_MESSAGES = 4096;
    /** Renewals of one key we answer at once; more (replayed REKEYs) are dropped. */
    static final int MAX_PENDING_RENEWALS = 4;

    private final EngineLoop loop;
    private final PeerLink link;
    private final PeerProtocolListener listener;
    private final StateStore store;
    private final SecureRandom random;
    private final DropCounters drops = new DropCounters();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final SourceRateLimiter handshakeLimiter = SourceRateLimiter.forHandshakes();
    private final SourceRateLimiter refusalsSent = SourceRateLimiter.forRefusals();
    private final SourceRateLimiter refusalsHeard = SourceRateLimiter.forRefusals();
    private StatelessCookies cookies;
    private HandshakeResponder responder;

    /** Sessions by (local original, peer original), and the same sessions by key id (current and previous key). */
    private final Map<AddressPair, Session> sessions = new HashMap<>();
    private final Map<Octets, Session> sessionsByKeyId = new HashMap<>();
    private final Map<AddressPair, Initiation> initiations = new HashMap<>();
    private final Map<AddressPair, Responding> respondings = new HashMap<>();
    /** Renewals run over current addresses, which change with moves: they are found by their initiator nonce. */
    private final Map<Octets, Renewal> renewals = new HashMap<>();
    private final Map<Octets, Responding> renewalsAnswered = new HashMap<>();
    /** Handshakes we confirmed lately, by initiator nonce, to repeat the confirmation (6.2). */
    private final Map<Octets, Session> confirmedByNonce = new HashMap<>();
    private final Map<AddressPair, List<CompletableFuture<Void>>> keyWaiters = new HashMap<>();
    /** No new first handshake on these paths before the time given (a failure, or a BUSY/NOT_ALLOWED refusal). */
    private final Map<AddressPair, Instant> retryNotBefore = new HashMap<>();
    private EngineLoop.Timer cookieRotation;
    private boolean closed;
    private final List<CheckedMove> checkedMoves = new ArrayList<>();
    private boolean checkedMovesScheduled;
    private final List<PeerProtocolListener.OwnMove> confirmedMoves = new ArrayList<>();
    private boolean confirmedMovesScheduled;

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
     * An engine with the sessions of {@code stateDirectory} (created, mode 0700, when missing). Each key keeps the
     * lifetime it had before the restart.
     *
     * @throws StateFileException when the state file cannot be read or is not one this engine wrote
     */
    public static PeerProtocol open(EngineLoop loop, PeerLink link, PeerProtocolListener listener,
            Path stateDirectory, SecureRandom random) throws StateFileException {
        StateStore store = new StateStore(stateDirectory);
        PeerProtocol protocol = new PeerProtocol(loop, link, listener, store, random);
        for (PersistedSession persisted : store.load(loop.now())) {
            protocol.index(new Session(persisted));
        }
        loop.execute(() -> {
            protocol.scheduleCookieRotation();
            List.copyOf(protocol.sessions.values()).forEach(protocol::scheduleKeyLifetime);
        });
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
        return new SessionView(s.localOriginal(), s.peerOriginal(), s.localCurrent, s.peerCurrent, s.current.id(),
                s.lastSequenceSent, s.current.lastAccepted.map(PersistedSession.AcceptedUpdate::sequence).orElse(0L),
                Optional.ofNullable(s.lastHeard), Optional.ofNullable(s.roundTrip));
    }

    /** Stops every timer; the state on disk stays. */
    public void close() {
        loop.execute(() -> {
            closed = true;
            sessions.values().forEach(Session::stopTimers);
            initiations.values().forEach(Initiation::abandon);
            respondings.values().forEach(Responding::drop);
            renewalsAnswered.values().forEach(Responding::drop);
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
        Instant notBefore = retryNotBefore.get(pair);
        if (notBefore != null && loop.now().isBefore(notBefore)) {
            result.completeExceptionally(new KeyAgreementException("handshake with " + pair.peer()
                    + " failed or was refused recently; retry not before " + notBefore));
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
        LOG.info("no key agreed with {} from {}: no answer", initiation.path.peer(), initiation.path.local());
        endInitiation(initiation, RETRY_AFTER_FAILED_HANDSHAKE, "no answer from " + initiation.path.peer()
                + " after " + RetransmitPolicy.HANDSHAKE.transmissions() + " transmissions");
    }

    /** Abandons our handshake, allows no new one on its path for {@code pause}, and tells whoever waits. */
    private void endInitiation(Initiation initiation, Duration pause, String why) {
        initiation.abandon();
        initiations.remove(initiation.path);
        retryNotBefore.put(initiation.path, loop.now().plus(pause));
        List<CompletableFuture<Void>> waiting = keyWaiters.remove(initiation.path);
        if (waiting != null) {
            KeyAgreementException failure = new KeyAgreementException(why);
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
        Renewal renewal = renewals.get(reply.initiatorNonce());
        if (renewal != null) {
            completeRenewal(renewal, reply, source, destination);
            return;
        }
        Initiation initiation = initiations.get(path);
        if (initiation != null && initiation.state == Initiation.State.WAIT_REPLY) {
            InitiatorCompletion completion = initiation.initiator.onInitReply(reply, source, destination);
            initiation.abandon();
            initiations.remove(path);
            Session session = install(completion.keys(), Role.INITIATOR);
            sendConfirm(session, reply, completion.confirm(), path);
            return;
        }
        Session confirmed = confirmedByNonce.get(reply.initiatorNonce());
        if (confirmed != null && reply.equals(confirmed.answeredReply) && path.equals(confirmed.confirmPath)) {
            // The responder did not get our confirmation: repeat it (6.2).
            link.send(destination, source, SacipEncoder.encode(confirmed.confirm, destination, source));
            return;
        }
        throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                "INIT_REPLY without a handshake waiting for one");
    }

    /** Sends our INIT_CONFIRM and keeps it, to repeat it for a repeated INIT_REPLY or an UNKNOWN_KEY refusal. */
    private void sendConfirm(Session session, InitReply reply, InitConfirm confirm, AddressPair path) {
        session.answeredReply = reply;
        session.confirm = confirm;
        session.confirmPath = path;
        Octets nonce = reply.initiatorNonce();
        confirmedByNonce.put(nonce, session);
        loop.schedule(KeyLifetime.RECENTLY_ESTABLISHED, () -> confirmedByNonce.remove(nonce, session));
        link.send(path.local(), path.peer(), SacipEncoder.encode(confirm, path.local(), path.peer()));
    }

    private void onInitConfirm(InitConfirm confirm, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        Responding renewal = renewalsAnswered.get(confirm.initiatorNonce());
        if (renewal != null) {
            confirmRenewal(renewal, confirm, source, destination);
            return;
        }
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
            discard(previous);
            // Our numbers keep rising across a new key too; the peer's acceptor for the new key starts empty.
            reserved = previous.sequenceReserved;
        }
        Session session = new Session(new PersistedSession(keys, role, loop.now(), bound.local(), bound.peer(),
                reserved, Optional.empty()));
        if (previous != null) {
            // In memory we know the last number actually sent; the reservation above it stays on disk.
            session.lastSequenceSent = previous.lastSequenceSent;
        }
        index(session);
        scheduleKeyLifetime(session);
        retryNotBefore.remove(bound);
        persist();
        LOG.info("key {} agreed with {} from {} as {}", keys.keyId(), bound.peer(), bound.local(), role);
        listener.keyEstablished(bound.local(), bound.peer());
        List<CompletableFuture<Void>> waiting = keyWaiters.remove(bound);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(null));
        }
        if (previous != null && previous.outgoingUpdate != null) {
            // A move of ours was waiting for the old key's acknowledgement: announce it again under the new key.
            announceNow(bound.local(), previous.outgoingUpdate.currentAddress(), bound.peer());
        }
        return session;
    }

    private void index(Session session) {
        sessions.put(session.bound(), session);
        sessionsByKeyId.put(session.current.id(), session);
    }

    /** Forgets a session replaced or expired: its timers, its renewals, its keys. */
    private void discard(Session session) {
        session.stopTimers();
        if (session.renewal != null) {
            abandonRenewal(session.renewal);
        }
        forgetRenewalsAnswered(session);
        sessionsByKeyId.remove(session.current.id(), session);
        if (session.previous != null) {
            sessionsByKeyId.remove(session.previous.id(), session);
        }
    }

    // ---- key lifetime and renewal (6.6) ----

    /** Arms the renewal and expiry timers of the session's current key; a key past its time acts at once. */
    private void scheduleKeyLifetime(Session session) {
        if (closed) {
            return;
        }
        SessionKey key = session.current;
        cancel(session.renewalTimer);
        cancel(session.expiryTimer);
        session.renewalTimer = loop.schedule(until(KeyLifetime.renewalStart(key.role, key.established, random)),
                () -> renewalDue(session, key));
        session.expiryTimer = loop.schedule(until(KeyLifetime.expiry(key.established)), () -> expire(session, key));
    }

    private Duration until(Instant when) {
        Duration wait = Duration.between(loop.now(), when);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private boolean isLive(Session session, SessionKey key) {
        return !closed && sessions.get(session.bound()) == session && session.current == key;
    }

    private void renewalDue(Session session, SessionKey key) {
        if (!isLive(session, key) || session.renewal != null) {
            return;
        }
        if (session.pendingRenewals > 0) {
            // The peer is renewing this key right now; look again when its pending handshake is over.
            session.renewalTimer = loop.schedule(PENDING_HANDSHAKE_LIFETIME, () -> renewalDue(session, key));
            return;
        }
        startRenewal(session);
    }

    /** REKEY under the current key, over the session's current addresses; the new key keeps the original ones. */
    private void startRenewal(Session session) {
        SessionKey key = session.current;
        AddressPair path = new AddressPair(session.localCurrent, session.peerCurrent);
        HandshakeInitiator initiator = HandshakeInitiator.renewal(key.keys, key.role, path, random);
        Renewal renewal = new Renewal(session, key, path, initiator);
        session.renewal = renewal;
        renewals.put(initiator.nonce(), renewal);
        byte[] rekey = SacipEncoder.encode(initiator.rekey(), path.local(), path.peer());
        LOG.info("renewing key {} with {} (over {} -> {})", key.id(), session.peerOriginal(), path.local(),
                path.peer());
        renewal.retransmission = Retransmission.start(loop, RetransmitPolicy.HANDSHAKE, random,
                () -> link.send(path.local(), path.peer(), rekey),
                () -> renewalFailed(renewal, RETRY_AFTER_FAILED_HANDSHAKE, "no answer"));
    }

    /** Our renewal is over without a new key: the old one stays, and we try again after {@code pause}. */
    private void renewalFailed(Renewal renewal, Duration pause, String why) {
        if (!abandonRenewal(renewal)) {
            return;
        }
        Session session = renewal.session;
        if (isLive(session, renewal.renewing)) {
            LOG.info("renewal of key {} with {} failed ({}); next attempt in {} s", renewal.renewing.id(),
                    session.peerOriginal(), why, pause.toSeconds());
            cancel(session.renewalTimer);
            session.renewalTimer = loop.schedule(pause, () -> renewalDue(session, renewal.renewing));
        }
    }

    private boolean abandonRenewal(Renewal renewal) {
        if (renewal.session.renewal != renewal) {
            return false;
        }
        renewal.abandon();
        renewals.remove(renewal.initiator.nonce());
        renewal.session.renewal = null;
        return true;
    }

    private void completeRenewal(Renewal renewal, InitReply reply, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        InitiatorCompletion completion = renewal.initiator.onInitReply(reply, source, destination);
        Session session = renewal.session;
        abandonRenewal(renewal);
        if (!isLive(session, renewal.renewing)) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "INIT_REPLY for the renewal of a key no longer in use");
        }
        rekeyed(session, completion.keys(), Role.INITIATOR);
        sendConfirm(session, reply, completion.confirm(), new AddressPair(destination, source));
    }

    /** The peer's renewal request (6.6): its MAC under the current key replaces the cookie. */
    private void onRekey(Rekey rekey, SacipAddress source, SacipAddress destination) throws SacipProtocolException {
        Session session = sessionFor(rekey.keyId());
        SessionKey key = session.current;
        if (!key.id().equals(rekey.keyId())) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "REKEY of key " + rekey.keyId() + ", which was renewed already");
        }
        // The MAC first: nothing below happens for a message the key did not sign.
        MessageAuthenticator.verify(rekey, key.keys.receivingKey(key.role), source, destination);
        if (!session.isPeerAddress(source)) {
            throw new SacipProtocolException(SacipProtocolException.Reason.WRONG_ADDRESS, "REKEY from " + source
                    + ", the peer is at " + session.peerCurrent);
        }
        session.lastHeard = loop.now();
        Responding answered = renewalsAnswered.get(rekey.initiatorNonce());
        if (answered != null) {
            answered.retransmission.transmitOnce();
            return;
        }
        Renewal own = session.renewal;
        if (own != null) {
            Octets ownNonce = own.initiator.nonce();
            if (InitiationTieBreak.localContinues(ownNonce, rekey.initiatorNonce())) {
                throw new SacipProtocolException(SacipProtocolException.Reason.LOST_TIE_BREAK,
                        "our renewal with " + session.peerOriginal() + " has the larger nonce");
            }
            abandonRenewal(own);
            if (!InitiationTieBreak.localYields(ownNonce, rekey.initiatorNonce())) {
                // Equal nonces: both sides start again with fresh ones.
                startRenewal(session);
                return;
            }
        }
        if (session.pendingRenewals >= MAX_PENDING_RENEWALS) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    MAX_PENDING_RENEWALS + " renewals of key " + key.id() + " wait already");
        }
        PendingHandshake pending = responder.onRekey(rekey, key.keys, key.role, source, destination);
        Responding responding = new Responding(rekey.initiatorNonce(), pending, session, key);
        renewalsAnswered.put(rekey.initiatorNonce(), responding);
        session.pendingRenewals++;
        byte[] reply = SacipEncoder.encode(pending.reply(), destination, source);
        responding.retransmission = Retransmission.start(loop, RetransmitPolicy.INIT_REPLY, random,
                () -> link.send(destination, source, reply), () -> { });
        // A replayed REKEY ends here: its sender cannot confirm, and nothing stays beyond this.
        responding.expiry = loop.schedule(PENDING_HANDSHAKE_LIFETIME, () -> forgetRenewalAnswered(responding));
    }

    private void confirmRenewal(Responding responding, InitConfirm confirm, SacipAddress source,
            SacipAddress destination) throws SacipProtocolException {
        SessionKeys keys = responding.pending.onConfirm(confirm, source, destination);
        Session session = responding.renewedSession;
        forgetRenewalAnswered(responding);
        if (!isLive(session, responding.renewedKey)) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "INIT_CONFIRM for the renewal of a key no longer in use");
        }
        rekeyed(session, keys, Role.RESPONDER);
    }

    private void forgetRenewalAnswered(Responding responding) {
        if (renewalsAnswered.remove(responding.initiatorNonce, responding)) {
            responding.drop();
            responding.renewedSession.pendingRenewals--;
        }
    }

    private void forgetRenewalsAnswered(Session session) {
        List.copyOf(renewalsAnswered.values()).stream().filter(r -> r.renewedSession == session)
                .forEach(this::forgetRenewalAnswered);
    }

    /**
     * The session's new key, bound to its original addresses: our numbers go on, the peer's accepted updates start
     * afresh, and the old key verifies incoming messages for {@link KeyLifetime#GRACE} more.
     */
    private void rekeyed(Session session, SessionKeys keys, Role role) {
        SessionKey old = session.current;
        if (session.renewal != null) {
            abandonRenewal(session.renewal);
        }
        // Other answered REKEYs of the old key would derive from a secret that is now spent.
        forgetRenewalsAnswered(session);
        if (session.previous != null) {
            sessionsByKeyId.remove(session.previous.id(), session);
        }
        cancel(session.previousErasure);
        session.previous = old;
        session.current = new SessionKey(keys, role, loop.now(), Optional.empty());
        session.answeredReply = null;
        session.confirm = null;
        session.confirmPath = null;
        sessionsByKeyId.put(keys.keyId(), session);
        session.previousErasure = loop.schedule(KeyLifetime.GRACE, () -> {
            if (session.previous == old) {
                session.previous = null;
                sessionsByKeyId.remove(old.id(), session);
                LOG.debug("key {} with {} erased after its grace period", old.id(), session.peerOriginal());
            }
        });
        scheduleKeyLifetime(session);
        persist();
        LOG.info("key {} with {} from {} renewed as {} (new key {})", old.id(), session.peerOriginal(),
                session.localOriginal(), role, keys.keyId());
        listener.keyEstablished(session.localOriginal(), session.peerOriginal());
    }

    /** 24 hours without renewal: the key is erased; the data path keeps its rewriting, but no more moves. */
    private void expire(Session session, SessionKey key) {
        if (!isLive(session, key)) {
            return;
        }
        discard(session);
        sessions.remove(session.bound());
        persist();
        LOG.warn("key {} with {} from {} reached {} h without renewal and is erased: its sessions keep their"
                + " rewriting but cannot move until a new handshake from {} succeeds", key.id(),
                session.peerOriginal(), session.localOriginal(), KeyLifetime.LIFETIME.toHours(),
                session.localOriginal());
        listener.keyExpired(session.localOriginal(), session.peerOriginal());
    }

    private static void cancel(EngineLoop.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    // ---- refusals received: hints only (section 9) ----

    private void onRefusal(Refusal refusal, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        switch (refusal.reason()) {
            case STALE_SEQUENCE:
                LOG.info("{} refused an update of ours as stale ({}); the next one uses a higher number", source,
                        refusal.echo());
                return;
            case UNKNOWN_KEY:
                onUnknownKeyRefusal(refusal, source);
                return;
            case BUSY:
                delayRetry(refusal, source, destination, RETRY_AFTER_BUSY);
                return;
            case NOT_ALLOWED:
                delayRetry(refusal, source, destination, RETRY_AFTER_NOT_ALLOWED);
                return;
            default:
                throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                        "REFUSAL " + refusal.reason());
        }
    }

    /**
     * The peer does not know one of our keys: right after we agreed it our INIT_CONFIRM was probably lost, so
     * repeat it; otherwise the peer lost its state, so agree a new key from the original address, keeping the old
     * one until then.
     */
    private void onUnknownKeyRefusal(Refusal refusal, SacipAddress source) throws SacipProtocolException {
        Octets keyId = RefusalRules.echoedKeyId(refusal.echo());
        Session session = sessionsByKeyId.get(keyId);
        if (session != null && session.current.id().equals(keyId) && session.isPeerAddress(source)) {
            repeatConfirmOrHandshakeAgain(session);
            return;
        }
        Renewal renewal = renewals.get(refusal.echo());
        if (renewal != null && source.equals(renewal.path.peer())) {
            renewalFailed(renewal, RETRY_AFTER_FAILED_HANDSHAKE, source + " does not know the key");
            repeatConfirmOrHandshakeAgain(renewal.session);
            return;
        }
        throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                "REFUSAL UNKNOWN_KEY for no key of ours with " + source);
    }

    private void repeatConfirmOrHandshakeAgain(Session session) {
        SessionKey key = session.current;
        if (session.confirm != null && KeyLifetime.recentlyEstablished(key.established, loop.now())) {
            AddressPair path = session.confirmPath;
            LOG.info("{} does not know key {} yet: confirmation repeated", session.peerOriginal(), key.id());
            link.send(path.local(), path.peer(), SacipEncoder.encode(session.confirm, path.local(), path.peer()));
            return;
        }
        AddressPair bound = session.bound();
        Instant now = loop.now();
        Instant notBefore = retryNotBefore.get(bound);
        if (initiations.containsKey(bound) || respondings.containsKey(bound)
                || notBefore != null && now.isBefore(notBefore)
                || now.isBefore(session.refusalHandshake.plus(RETRY_AFTER_FAILED_HANDSHAKE))) {
            return;
        }
        if (!session.localCurrent.equals(bound.local())) {
            LOG.info("{} does not know key {}; no new handshake from {}, which is no longer our current address",
                    session.peerOriginal(), key.id(), bound.local());
            return;
        }
        session.refusalHandshake = now;
        LOG.info("{} does not know key {}: new handshake from {} (the old key stays until it completes)",
                session.peerOriginal(), key.id(), bound.local());
        startInitiation(bound);
    }

    /** BUSY or NOT_ALLOWED for our handshake or renewal: stop it, and no new attempt before {@code pause}. */
    private void delayRetry(Refusal refusal, SacipAddress source, SacipAddress destination, Duration pause)
            throws SacipProtocolException {
        AddressPair path = new AddressPair(destination, source);
        Initiation initiation = initiations.get(path);
        if (initiation != null && initiation.initiator.nonce().equals(refusal.echo())) {
            LOG.info("{} refused our handshake ({}); next attempt not before {} s", source, refusal.reason(),
                    pause.toSeconds());
            endInitiation(initiation, pause, source + " refused the handshake (" + refusal.reason()
                    + "); retry not before " + loop.now().plus(pause));
            return;
        }
        Renewal renewal = renewals.get(refusal.echo());
        if (renewal != null && source.equals(renewal.path.peer())) {
            renewalFailed(renewal, pause, "refused: " + refusal.reason());
            return;
        }
        throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                "REFUSAL " + refusal.reason() + " for no handshake of ours with " + source);
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
        AddressUpdate update = session.current.messages.update(sequence, newCurrent, session.peerCurrent);
        session.outgoingUpdate = update;
        session.updateSentAt = loop.now();
        Retransmission[] self = new Retransmission[1];
        // Signed at each transmission for the peer's current address (it may move meanwhile, 7.1) under the
        // current key (it may be renewed meanwhile).
        self[0] = Retransmission.start(loop, RetransmitPolicy.ADDRESS_UPDATE, random, () -> {
            AddressUpdate signed = session.current.messages.update(sequence, newCurrent, session.peerCurrent);
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
        session.keyFor(ack.keyId()).verifier.verifyAck(ack, sent, source, destination);
        session.lastHeard = loop.now();
        session.roundTrip = Duration.between(session.updateSentAt, session.lastHeard);
        session.outgoingRetransmission.cancel();
        session.outgoingUpdate = null;
        session.localCurrent = sent.currentAddress();
        // Acknowledgements arriving together (one per peer of a move) reach the data path as one change; the disk
        // follows, since an fsync before would lengthen every handover.
        confirmedMoves.add(new PeerProtocolListener.OwnMove(session.localOriginal(), sent.currentAddress(),
                session.peerOriginal(), sent.sequence()));
        if (!confirmedMovesScheduled) {
            confirmedMovesScheduled = true;
            loop.execute(this::finishConfirmedMoves);
        }
        if (session.checkState == Session.CheckState.RUNNING && !session.checkSource.equals(session.localCurrent)) {
            // Both ends moved: a check of the peer still running from our old address may never be answered.
            startCheck(session, session.lastAcceptedKey, session.lastAcceptedUpdate);
        }
    }

    private void finishConfirmedMoves() {
        confirmedMovesScheduled = false;
        List<PeerProtocolListener.OwnMove> batch = List.copyOf(confirmedMoves);
        confirmedMoves.clear();
        if (closed || batch.isEmpty()) {
            return;
        }
        listener.movesConfirmed(batch);
        persist();
    }

    private void onPathChallenge(PathChallenge challenge, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        Session session = sessionFor(challenge.keyId());
        SessionKey key = session.keyFor(challenge.keyId());
        // Costs one MAC and keeps no state (7.3).
        PathResponse response = ReachabilityCheck.answer(challenge, key.keys, key.role, source, destination);
        link.send(destination, source, SacipEncoder.encode(response, destination, source));
    }

    // ---- moves: the peer's side ----

    private void onAddressUpdate(AddressUpdate update, SacipAddress source, SacipAddress destination)
            throws SacipProtocolException {
        Session session = sessionFor(update.keyId());
        SessionKey key = session.keyFor(update.keyId());
        key.verifier.verifyUpdate(update, source, destination);
        session.lastHeard = loop.now();
        if (key != session.current && session.current.lastAccepted.isPresent()) {
            throw new SacipProtocolException(SacipProtocolException.Reason.STALE_SEQUENCE, "update under renewed key "
                    + key.id() + " after one under the new key");
        }
        Optional<PersistedSession.AcceptedUpdate> last = key.lastAccepted;
        if (last.isPresent() && update.sequence() == last.get().sequence()) {
            boolean same = update.originalAddress().equals(last.get().original())
                    && update.currentAddress().equals(last.get().current());
            if (!same) {
                throw new SacipProtocolException(SacipProtocolException.Reason.CONFLICTING_DUPLICATE, "sequence "
                        + Long.toUnsignedString(update.sequence()) + " was accepted with other addresses");
            }
            answerDuplicate(session, key, update);
            return;
        }
        if (last.isPresent() && Long.compareUnsigned(update.sequence(), last.get().sequence()) < 0) {
            throw new SacipProtocolException(SacipProtocolException.Reason.STALE_SEQUENCE, "sequence "
                    + Long.toUnsignedString(update.sequence()) + " below the last accepted "
                    + Long.toUnsignedString(last.get().sequence()));
        }
        key.lastAccepted = Optional.of(new PersistedSession.AcceptedUpdate(update.sequence(),
                update.originalAddress(), update.currentAddress()));
        session.lastAcceptedUpdate = update;
        session.lastAcceptedKey = key;
        startCheck(session, key, update);
    }

    /** The last accepted update again: its acknowledgement or challenge was lost (7.2 step 3). */
    private void answerDuplicate(Session session, SessionKey key, AddressUpdate update) {
        switch (session.checkState) {
            case PASSED:
                if (!session.ackPending) {
                    // (With an acknowledgement still pending, it goes out as soon as the rewrite is in place.)
                    sendAck(session, key, update);
                }
                break;
            case RUNNING:
                session.checkRetransmission.transmitOnce();
                break;
            default:
                if (!loop.now().isBefore(session.checkStarted.plus(RECHECK_INTERVAL))) {
                    startCheck(session, key, update);
                }
                break;
        }
    }

    private void startCheck(Session session, SessionKey key, AddressUpdate update) {
        if (session.checkRetransmission != null) {
            session.checkRetransmission.cancel();
        }
        SacipAddress local = session.localCurrent;
        ReachabilityCheck check = ReachabilityCheck.start(key.keys, key.role, local, update.currentAddress(), random);
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
        SessionKey key = session.lastAcceptedKey;
        session.peerCurrent = update.currentAddress();
        key.confirmedAccepted = key.lastAccepted;
        session.ackPending = true;
        // The responses of several peers (or of one peer's many addresses) that arrived together are applied in one
        // data-path change: collect them and finish after the messages already queued (FIFO loop).
        checkedMoves.add(new CheckedMove(session, key, update));
        if (!checkedMovesScheduled) {
            checkedMovesScheduled = true;
            loop.execute(this::finishCheckedMoves);
        }
    }

    /** One peer move whose check passed, waiting for the data path and then its acknowledgement. */
    private record CheckedMove(Session session, SessionKey key, AddressUpdate update) {
    }

    private void finishCheckedMoves() {
        checkedMovesScheduled = false;
        List<CheckedMove> batch = List.copyOf(checkedMoves);
        checkedMoves.clear();
        if (closed || batch.isEmpty()) {
            return;
        }
        // The rewrite first, the acknowledgement next (it lets the peer send from its new address), the disk last:
        // an fsync before would lengthen every handover.
        listener.peersMoved(batch.stream().map(m -> new PeerProtocolListener.PeerMove(m.session().localOriginal(),
                m.session().peerOriginal(), m.update().currentAddress())).toList());
        for (CheckedMove move : batch) {
            Session session = move.session();
            session.ackPending = false;
            sendAck(session, move.key(), move.update());
            if (session.outgoingRetransmission != null && session.outgoingRetransmission.isRunning()) {
                // Our own unacknowledged update goes to the peer's new address at once (7.1).
                session.outgoingRetransmission.transmitOnce();
            }
        }
        persist();
    }

    private void sendAck(Session session, SessionKey key, AddressUpdate update) {
        UpdateAck ack = key.messages.acknowledge(update, session.localCurrent);
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
            // Never a reply to a malformed message (section 10).
            drops.drop(DropReason.of(e), "from " + source + ": " + e.getMessage(), loop.now());
            return;
        }
        LOG.debug("received {} from {} to {}", message.kind(), source, destination);
        if ((message instanceof Hello || message instanceof Init)
                && !handshakeLimiter.allow(source.toInetAddress(), loop.now())
                || message instanceof Refusal && !refusalsHeard.allow(source.toInetAddress(), loop.now())) {
            drops.drop(DropReason.RATE_LIMITED, message.kind() + " from " + source, loop.now());
            return;
        }
        try {
            dispatch(message, source, destination);
        } catch (SacipProtocolException e) {
            drops.drop(DropReason.of(e), message.kind() + " from " + source + ": " + e.getMessage(), loop.now());
            refuse(message, e.reason(), source, destination, icmp.length);
        }
    }

    /** Answers a dropped message with a REFUSAL where section 9 allows it, at most 10 a second per address. */
    private void refuse(SacipMessage message, SacipProtocolException.Reason reason, SacipAddress source,
            SacipAddress destination, int octets) {
        Optional<Refusal> refusal = RefusalRules.refusalFor(message, reason, octets, sessionsByKeyId::containsKey);
        if (refusal.isPresent() && refusalsSent.allow(source.toInetAddress(), loop.now())) {
            link.send(destination, source, SacipEncoder.encode(refusal.get(), destination, source));
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
        } else if (message instanceof Rekey rekey) {
            onRekey(rekey, source, destination);
        } else if (message instanceof AddressUpdate update) {
            onAddressUpdate(update, source, destination);
        } else if (message instanceof UpdateAck ack) {
            onUpdateAck(ack, source, destination);
        } else if (message instanceof PathChallenge challenge) {
            onPathChallenge(challenge, source, destination);
        } else if (message instanceof PathResponse response) {
            onPathResponse(response, source, destination);
        } else if (message instanceof Refusal refusal) {
            onRefusal(refusal, source, destination);
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
        try {
            store.save(snapshot());
            return true;
        } catch (StateFileException e) {
            LOG.error("peer state not saved: {}", e.getMessage());
            return false;
        }
    }

    private List<PersistedSession> snapshot() {
        List<PersistedSession> snapshot = new ArrayList<>();
        sessions.values().forEach(s -> snapshot.add(s.snapshot()));
        return snapshot;
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
