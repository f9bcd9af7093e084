package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sacip.agent.rate.TokenBucket;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.HandshakeResponder;
import org.sacip.protocol.handshake.InitiationTieBreak;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.handshake.StatelessCookies;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handshakes (PROTOCOL.md 6.1 to 6.5), as initiator and as responder, within budgets: HELLOs answered at a
 * global rate (stateless, one MAC each, answered only over a next hop already known); INITs only with a valid
 * cookie, then charged to their prefix and a global rate, within bounded pending handshakes and a bounded key table,
 * else answered BUSY; our own handshakes limited in number at once (the rest wait their turn) and started only for
 * sessions this host opened. Engine thread only.
 */
final class KeyAgreement {
    private static final Logger LOG = LoggerFactory.getLogger(KeyAgreement.class);
    static final Duration RETRY_AFTER_FAILED_HANDSHAKE = Duration.ofSeconds(60);
    static final Duration RETRY_AFTER_BUSY = Duration.ofSeconds(60);
    static final Duration RETRY_AFTER_NOT_ALLOWED = Duration.ofMinutes(10);
    static final Duration PENDING_HANDSHAKE_LIFETIME = Duration.ofSeconds(30);
    static final Duration COOKIE_ROTATION = Duration.ofHours(1);
    /** A handshake whose first HELLO got no COOKIE within this goes over UDP too (PROTOCOL.md 13.9). */
    static final Duration UDP_AFTER = Duration.ofMillis(250);

    /** What happens when a handshake ends. */
    interface Listener {
        /** A new lineage is in the table (either side initiated). */
        void established(Association association);

        /** Our handshake on {@code path} ended without keys. */
        void failed(AddressPair path, String why);
    }

    private final EngineContext ctx;
    private final Listener listener;
    private StatelessCookies cookies;
    private HandshakeResponder responder;
    private final Map<AddressPair, Initiation> initiations = new LinkedHashMap<>();
    /** Paths (local, peer) whose last lineage showed a NAT translating either end (13.4). */
    private final LruMap<AddressPair, Boolean> translatedPaths =
            new LruMap<>("translated-paths", EngineLimits.TRANSLATED_PATHS);
    private final Map<PeerPrefix, Integer> initiationsPerPrefix = new HashMap<>();
    /** Key agreements waiting for a free slot, oldest first. */
    private final LinkedHashSet<AddressPair> waiting = new LinkedHashSet<>();
    private final Map<Responding.Key, Responding> respondings = new LinkedHashMap<>();
    private final Map<PeerPrefix, Integer> respondingsPerPrefix = new HashMap<>();
    /** Handshakes we confirmed lately, by initiator nonce, to repeat the confirmation (6.2). */
    private final LruMap<Octets, Association> confirmedByNonce = new LruMap<>("recent-confirmations", 4096);
    /** No new handshake of ours on these paths before the time given (a failure, or a refusal heard). */
    private final LruMap<AddressPair, RetryPause> retryNotBefore =
            new LruMap<>("retry-pauses", EngineLimits.RETRY_PAUSES);

    /** No handshake of ours before {@code notBefore}; {@code failures} in a row each doubled the pause (to 32x). */
    private record RetryPause(Instant notBefore, int failures) {
    }
    private final TokenBucket hellos;
    private final TokenBucket handshakes;
    private final KeyedRateLimiter<PeerPrefix> handshakesPerPrefix;
    private EngineLoop.Timer cookieRotation;

    KeyAgreement(EngineContext ctx, Listener listener) {
        this.ctx = ctx;
        this.listener = listener;
        this.cookies = StatelessCookies.withSecret(randomOctets(32));
        this.responder = new HandshakeResponder(cookies, ctx.keyPairs);
        Instant now = ctx.now();
        EngineLimits limits = ctx.limits;
        this.hellos = new TokenBucket(limits.helloPerSecond(), limits.helloPerSecond(), now);
        this.handshakes = new TokenBucket(limits.handshakesPerSecond() * 2, limits.handshakesPerSecond(), now);
        this.handshakesPerPrefix = new KeyedRateLimiter<>("handshake-rate-prefixes",
                limits.handshakesPerPrefixPerSecond() * 2, limits.handshakesPerPrefixPerSecond(), 16_384);
    }

    void start() {
        scheduleCookieRotation();
    }

    // ---- as initiator ----

    /**
     * Agrees a key on {@code path} (our address, the peer's) unless one exists there, one is being agreed, or a
     * recent failure or refusal asks us to wait. Beyond the number of handshakes allowed at once, it waits its turn.
     *
     * @return why no handshake starts now, or empty when one runs (or a key exists)
     */
    Optional<String> ensureKey(AddressPair path) {
        if (ctx.associations.usableFor(path).isPresent() || initiations.containsKey(path)
                || waiting.contains(path)) {
            return Optional.empty();
        }
        Optional<Instant> notBefore = retryAt(path);
        if (notBefore.isPresent()) {
            return Optional.of("no SACIP agent answered at " + path.peer() + " lately; next attempt after "
                    + notBefore.get());
        }
        if (!ctx.associations.hasRoomFor(path, ctx.now())) {
            return Optional.of("the key table is full of keys that hold sessions");
        }
        if (!slotFree(path)) {
            waiting.add(path);
            if (waiting.size() > ctx.limits.maxQueuedInitiations()) {
                Iterator<AddressPair> oldest = waiting.iterator();
                AddressPair dropped = oldest.next();
                oldest.remove();
                listener.failed(dropped, "too many key agreements waiting");
            }
            return Optional.empty();
        }
        startInitiation(path);
        return Optional.empty();
    }

    /** When a handshake on {@code path} may start again after a failure or refusal; empty if it may now. */
    Optional<Instant> retryAt(AddressPair path) {
        RetryPause paused = retryNotBefore.get(path);
        return paused != null && ctx.now().isBefore(paused.notBefore()) ? Optional.of(paused.notBefore())
                : Optional.empty();
    }

    private boolean slotFree(AddressPair path) {
        return initiations.size() < ctx.limits.maxInitiations() && initiationsPerPrefix.getOrDefault(
                PeerPrefix.of(path.peer()), 0) < ctx.limits.maxInitiationsPerPrefix();
    }

    private void startInitiation(AddressPair path) {
        Initiation initiation = new Initiation(path, HandshakeInitiator.first(path, ctx.keyPairs.nextNonce(),
                ctx.keyPairs.nextKeyPair()));
        initiations.put(path, initiation);
        initiationsPerPrefix.merge(PeerPrefix.of(path.peer()), 1, Integer::sum);
        if (ctx.udpPort != 0 && translatedPaths.containsKey(path)) {
            // A NAT stood between us last time: SACIP's ICMP would not cross it, so UDP alone and at once (13.9).
            initiation.overUdp = true;
            initiation.udpOnly = true;
        }
        LOG.debug("agreeing a key with {} from {}{}", path.peer(), path.local(),
                initiation.udpOnly ? " over UDP alone (a NAT between us before)" : "");
        transmit(initiation);
        if (ctx.udpPort != 0 && !initiation.udpOnly) {
            initiation.udpStart = ctx.loop.schedule(UDP_AFTER, () -> startUdp(initiation));
        }
    }

    /**
     * No COOKIE over ICMP within {@link #UDP_AFTER}: a NAT or a filter may stand between us (ICMP of SACIP's types
     * is not translated), so the HELLO goes over UDP now and with every later transmission (13.9).
     */
    private void startUdp(Initiation initiation) {
        if (initiations.get(initiation.path) != initiation || !initiation.cookies.isEmpty()) {
            return;
        }
        initiation.overUdp = true;
        LOG.debug("agreeing a key with {} over UDP too", initiation.path.peer());
        ctx.send(initiation.initiator.hello(), udpEnvelope(initiation.path));
    }

    /** From our agent port at the path's local address to the peer's agent port. */
    private Envelope udpEnvelope(AddressPair path) {
        return new UdpEnvelope(new UdpEndpoint(path.local(), ctx.udpPort), new UdpEndpoint(path.peer(),
                ctx.udpPort));
    }

    /** One scheduled transmission: a HELLO (so a forged COOKIE cannot end us), and the INIT of each cookie. */
    private void transmit(Initiation initiation) {
        if (initiations.get(initiation.path) != initiation) {
            return;
        }
        if (initiation.transmissions >= RetransmitPolicy.HANDSHAKE.transmissions()) {
            initiationFailed(initiation);
            return;
        }
        AddressPair path = initiation.path;
        Runnable send = () -> {
            if (!initiation.udpOnly) {
                ctx.send(initiation.initiator.hello(), path.local(), path.peer());
            }
            if (initiation.overUdp) {
                ctx.send(initiation.initiator.hello(), udpEnvelope(path));
            }
            for (int i = 0; i < initiation.inits.size(); i++) {
                ctx.send(initiation.inits.get(i), initiation.initEnvelopes.get(i));
            }
        };
        if (initiation.transmissions == 0) {
            send.run();
        } else {
            ctx.messages.retransmitting(send);
        }
        initiation.transmissions++;
        initiation.timer = ctx.loop.schedule(RetransmitPolicy.HANDSHAKE.interval(initiation.transmissions,
                ctx.random), () -> transmit(initiation));
    }

    private void initiationFailed(Initiation initiation) {
        if (initiation.udpOnly) {
            // The NAT may be gone and the agent port filtered: the next try uses both transports again.
            translatedPaths.remove(initiation.path);
        }
        Duration pause = initiation.refusalHeard == RefusalReason.NOT_ALLOWED ? RETRY_AFTER_NOT_ALLOWED
                : initiation.refusalHeard == RefusalReason.BUSY ? RETRY_AFTER_BUSY : RETRY_AFTER_FAILED_HANDSHAKE;
        String why = initiation.refusalHeard != null
                ? initiation.path.peer() + " refused the handshake (" + initiation.refusalHeard + ")"
                : "no answer from " + initiation.path.peer() + " after " + initiation.transmissions
                        + " transmissions";
        LOG.info("no key agreed with {} from {}: {}", initiation.path.peer(), initiation.path.local(), why);
        endInitiation(initiation);
        RetryPause before = retryNotBefore.get(initiation.path);
        int failures = before == null ? 1 : before.failures() + 1;
        retryNotBefore.put(initiation.path, new RetryPause(
                ctx.now().plus(pause.multipliedBy(1L << Math.min(failures - 1, 5))), failures));
        listener.failed(initiation.path, why);
    }

    private void endInitiation(Initiation initiation) {
        initiation.abandon();
        if (initiations.remove(initiation.path, initiation)) {
            initiationsPerPrefix.computeIfPresent(PeerPrefix.of(initiation.path.peer()),
                    (p, n) -> n <= 1 ? null : n - 1);
        }
        startWaiting();
    }

    private void startWaiting() {
        for (Iterator<AddressPair> it = waiting.iterator(); it.hasNext();) {
            AddressPair next = it.next();
            if (slotFree(next)) {
                it.remove();
                if (ctx.associations.usableFor(next).isEmpty() && !initiations.containsKey(next)) {
                    startInitiation(next);
                }
            }
        }
    }

    void onCookie(CookieReply reply, Arrival arrival) throws SacipProtocolException {
        SacipAddress source = arrival.source();
        SacipAddress destination = arrival.localAddress();
        Initiation initiation = initiations.get(new AddressPair(destination, source));
        if (initiation == null && confirmedByNonce.get(reply.initiatorNonce()) != null) {
            // The handshake ran over ICMP and UDP (13.9) and completed over the other transport first.
            LOG.debug("COOKIE of a handshake already completed, ignored");
            return;
        }
        if (initiation == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "COOKIE without a handshake waiting for one");
        }
        Init init = initiation.initiator.onCookie(reply);
        // It echoes our nonce: whoever sent it receives at the address our HELLO went to (or sees the path).
        ctx.proven(arrival.answer().destination());
        if (initiation.cookies.contains(reply.cookie())) {
            return;
        }
        if (initiation.cookies.size() >= Initiation.MAX_COOKIES) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    Initiation.MAX_COOKIES + " cookies answered already for this handshake");
        }
        initiation.cookies.add(reply.cookie());
        initiation.inits.add(init);
        initiation.initEnvelopes.add(arrival.answer());
        ctx.send(init, arrival.answer());
    }

    void onInitReply(InitReply reply, Arrival arrival) throws SacipProtocolException {
        SacipAddress source = arrival.source();
        SacipAddress destination = arrival.localAddress();
        AddressPair path = new AddressPair(destination, source);
        Initiation initiation = initiations.get(path);
        if (initiation != null && !initiation.inits.isEmpty()) {
            InitiatorCompletion completion = initiation.initiator.onInitReply(reply, arrival);
            endInitiation(initiation);
            ctx.proven(arrival.answer().destination());
            // The confirmation first: the responder's key, and so its answer to our claims, waits for it, while
            // installing ours (the lineage's timers, claims, the handover told) took a millisecond here.
            ctx.send(completion.confirm(), arrival.answer());
            Association association = install(completion.keys(), Role.INITIATOR, arrival);
            if (association != null) {
                association.keys.answeredReply = reply;
                association.keys.confirm = completion.confirm();
                association.keys.confirmEnvelope = arrival.answer();
                confirmedByNonce.put(reply.initiatorNonce(), association);
            }
            return;
        }
        Association confirmed = confirmedByNonce.get(reply.initiatorNonce());
        if (confirmed != null && reply.equals(confirmed.keys.answeredReply)
                && arrival.answer().equals(confirmed.keys.confirmEnvelope)
                && KeyLifetime.recentlyEstablished(confirmed.keys.current.established, ctx.now())) {
            // The responder did not get our confirmation: repeat it (6.2).
            ctx.send(confirmed.keys.confirm, confirmed.keys.confirmEnvelope);
            return;
        }
        if (confirmed != null && !reply.equals(confirmed.keys.answeredReply)
                && (arrival instanceof Arrival.Udp) != (confirmed.keys.confirmEnvelope instanceof UdpEnvelope)) {
            // Our handshake ran over ICMP and UDP at once (13.9) and the other transport's INIT_REPLY won: this one's
            // pending handshake at the responder expires unconfirmed.
            LOG.debug("INIT_REPLY of a handshake already completed over the other transport, ignored");
            return;
        }
        throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                "INIT_REPLY without a handshake waiting for one");
    }

    /** A REFUSAL naming one of our handshakes is a hint only: it never ends it (section 9). */
    boolean refusalHeard(Refusal refusal, AddressPair path) {
        Initiation initiation = initiations.get(path);
        if (initiation == null || !initiation.initiator.nonce().equals(refusal.echo())) {
            return false;
        }
        if (refusal.reason() == RefusalReason.BUSY || refusal.reason() == RefusalReason.NOT_ALLOWED) {
            initiation.refusalHeard = refusal.reason();
            LOG.debug("{} refused our handshake ({}); it goes on until it fails, then waits", path.peer(),
                    refusal.reason());
        }
        return true;
    }

    /**
     * The peer lost our key (REFUSAL UNKNOWN_KEY under it): right after we agreed it, our INIT_CONFIRM was probably
     * lost, so repeat it; otherwise agree a new key from the original address if it is still ours, keeping the old
     * one until then (both are hints: nothing is removed).
     */
    void peerLostKey(Association association) {
        AssociationKey key = association.keys.current;
        if (association.keys.confirm != null && KeyLifetime.recentlyEstablished(key.established, ctx.now())) {
            LOG.info("{} does not know key {} yet: confirmation repeated", association.peerOriginal(), key.id());
            ctx.send(association.keys.confirm, association.keys.confirmEnvelope);
            return;
        }
        Instant now = ctx.now();
        if (now.isBefore(association.keys.refusalHandshake.plus(RETRY_AFTER_FAILED_HANDSHAKE))) {
            return;
        }
        if (!association.own.current.equals(association.localOriginal())) {
            LOG.info("{} does not know key {}; no new handshake from {}, which is no longer our current address",
                    association.peerOriginal(), key.id(), association.localOriginal());
            return;
        }
        association.keys.refusalHandshake = now;
        LOG.info("{} does not know key {}: a new handshake from {} (the old key stays)", association.peerOriginal(),
                key.id(), association.localOriginal());
        ensureKeyAgain(association.bound);
    }

    private void ensureKeyAgain(AddressPair path) {
        if (!initiations.containsKey(path) && slotFree(path)) {
            startInitiation(path);
        }
    }

    // ---- as responder ----

    void onHello(Hello hello, Arrival arrival) throws Drop {
        SacipAddress source = arrival.source();
        // Stateless: one MAC. A global budget, never charged to the (spoofable) source.
        if (!hellos.take(ctx.now())) {
            throw Drop.rateLimited("HELLO beyond " + ctx.limits.helloPerSecond() + " a second");
        }
        CookieReply reply = responder.onHello(hello, arrival, ctx.now());
        // The same size as the HELLO, and only over a next hop already known.
        ctx.answer(reply, arrival.answer());
    }

    void onInit(Init init, Arrival arrival) throws SacipProtocolException, Drop {
        SacipAddress source = arrival.source();
        SacipAddress destination = arrival.localAddress();
        AddressPair path = new AddressPair(destination, source);
        Instant now = ctx.now();
        if (!cookies.verify(init.cookie(), now, arrival, init.initiatorNonce())) {
            throw new SacipProtocolException(SacipProtocolException.Reason.BAD_COOKIE,
                    "cookie not minted for " + source + " recently");
        }
        // The cookie proves the initiator receives at its address: from here on it may be charged and answered.
        ctx.proven(arrival.answer().destination());
        Responding.Key key = new Responding.Key(arrival.answer(), init.initiatorNonce());
        Responding existing = respondings.get(key);
        if (existing != null) {
            if (!existing.init.equals(init)) {
                throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                        "INIT repeating a nonce with another share");
            }
            existing.retransmission.transmitOnce();
            return;
        }
        Initiation own = initiations.get(path);
        if (own != null && !own.inits.isEmpty()) {
            Octets ownNonce = own.initiator.nonce();
            if (InitiationTieBreak.localContinues(ownNonce, init.initiatorNonce())) {
                throw new SacipProtocolException(SacipProtocolException.Reason.LOST_TIE_BREAK,
                        "our initiation with " + source + " has the larger nonce");
            }
            endInitiation(own);
            if (!InitiationTieBreak.localYields(ownNonce, init.initiatorNonce())) {
                // Equal nonces: both sides start again with fresh ones.
                startInitiation(path);
                return;
            }
        }
        // Charged to where it came from: over UDP the address stated is the sender's to choose, the one observed not.
        PeerPrefix prefix = PeerPrefix.of(arrival.answer().destination());
        if (!handshakesPerPrefix.allow(prefix, now) || !handshakes.take(now)
                || respondings.size() >= ctx.limits.maxRespondings()
                || respondingsPerPrefix.getOrDefault(prefix, 0) >= ctx.limits.maxRespondingsPerPrefix()
                || !ctx.associations.hasRoomFor(path, now)) {
            throw Drop.busy("handshake budget or key table full");
        }
        PendingHandshake pending = responder.onInit(init, arrival, now);
        Responding responding = new Responding(init, pending);
        respondings.put(key, responding);
        respondingsPerPrefix.merge(prefix, 1, Integer::sum);
        byte[] reply = pending.replyEnvelope().encode(pending.reply());
        responding.retransmission = Retransmission.start(ctx, RetransmitPolicy.INIT_REPLY,
                () -> ctx.sendEncoded(reply, pending.reply(), pending.replyEnvelope()), () -> { });
        responding.expiry = ctx.loop.schedule(PENDING_HANDSHAKE_LIFETIME, () -> {
            if (forgetResponding(key, responding)) {
                LOG.debug("pending handshake from {} expired without confirmation", source);
            }
        });
    }

    private boolean forgetResponding(Responding.Key key, Responding responding) {
        if (!respondings.remove(key, responding)) {
            return false;
        }
        responding.drop();
        respondingsPerPrefix.computeIfPresent(PeerPrefix.of(key.path().peer()), (p, n) -> n <= 1 ? null : n - 1);
        return true;
    }

    /** @return false when no first handshake of ours waits for this confirmation (it may be a renewal's) */
    boolean onInitConfirm(InitConfirm confirm, Arrival arrival) throws SacipProtocolException {
        Responding.Key key = new Responding.Key(arrival.answer(), confirm.initiatorNonce());
        Responding responding = respondings.get(key);
        if (responding == null) {
            return false;
        }
        SessionKeys keys = responding.pending.onConfirm(confirm, arrival);
        forgetResponding(key, responding);
        install(keys, Role.RESPONDER, arrival);
        return true;
    }

    /**
     * A new lineage, in the table: the pair's older lineages without sessions or recent use are replaced, and
     * sessionless ones are evicted if the table is full. Its path is the one the handshake's last message came by
     * (over UDP, the peer's endpoint as observed, 13.5). Returns null if there is no room after all.
     */
    private Association install(SessionKeys keys, Role role, Arrival last) {
        AddressPair bound = keys.boundAddresses(role);
        Instant now = ctx.now();
        Association association = new Association(new AssociationKey(keys, role, now, Optional.empty()),
                keys.keyId(), bound, now, bound.local(), bound.local(), bound.peer(), 0, now);
        if (last instanceof Arrival.Udp udp) {
            association.udpPeer = udp.observedSource();
            association.localBehindNat = udp.stated().destinationTranslated(udp.local());
            association.peerBehindNat = udp.stated().sourceTranslated(udp.observedSource());
        }
        if (association.localBehindNat || association.peerBehindNat) {
            translatedPaths.put(bound, Boolean.TRUE);
        } else {
            translatedPaths.remove(bound);
        }
        Optional<List<Association>> removed = ctx.associations.add(association, now);
        if (removed.isEmpty()) {
            LOG.warn("key {} with {} dropped: the key table is full of keys that hold sessions", keys.keyId(),
                    bound.peer());
            return null;
        }
        for (Association old : removed.get()) {
            old.stopTimers();
            ctx.changes.gone(old.lineage);
            LOG.atLevel(ctx.notable()).log("key {} with {} from {} replaced or evicted (no session, unused)",
                    old.keys.current.id(), old.peerOriginal(), old.localOriginal());
        }
        LOG.atLevel(ctx.notable()).log("key {} agreed with {} from {} as {}{}", keys.keyId(), bound.peer(),
                bound.local(), role,
                association.udpPeer == null ? "" : " over UDP via " + association.udpPeer
                        + (association.localBehindNat ? ", this host behind a NAT" : "")
                        + (association.peerBehindNat ? ", the peer behind a NAT" : ""));
        retryNotBefore.remove(bound);
        waiting.remove(bound);
        listener.established(association);
        if (association.udpPeer != null) {
            ctx.tunnels.prepare();
        }
        return association;
    }

    private void scheduleCookieRotation() {
        if (ctx.closed) {
            return;
        }
        cookieRotation = ctx.loop.schedule(COOKIE_ROTATION, () -> {
            cookies = cookies.rotate(randomOctets(32));
            responder = responder.withCookies(cookies);
            scheduleCookieRotation();
        });
    }

    HandshakeResponder responder() {
        return responder;
    }

    boolean handshakeBudget(Instant now) {
        return handshakes.take(now);
    }

    void close() {
        initiations.values().forEach(Initiation::abandon);
        respondings.values().forEach(Responding::drop);
        if (cookieRotation != null) {
            cookieRotation.cancel();
        }
    }

    List<Bound> bounds() {
        int largest = respondingsPerPrefix.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return List.of(new Bound("initiations", initiations.size(), ctx.limits.maxInitiations()),
                new Bound("initiations-waiting", waiting.size(), ctx.limits.maxQueuedInitiations()),
                new Bound("respondings", respondings.size(), ctx.limits.maxRespondings()),
                new Bound("respondings-of-largest-prefix", largest, ctx.limits.maxRespondingsPerPrefix()),
                confirmedByNonce.bound(), retryNotBefore.bound(), handshakesPerPrefix.bound(),
                translatedPaths.bound());
    }

    private Octets randomOctets(int length) {
        byte[] bytes = new byte[length];
        ctx.random.nextBytes(bytes);
        return Octets.of(bytes);
    }

}
