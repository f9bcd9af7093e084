package org.sacip.agent.peer.protocol;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.StateFileException;
import org.sacip.agent.state.CostPacing;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpFraming;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.message.UpdateAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SACIP peer protocol of one agent (docs/PROTOCOL.md sections 6 to 10), a small facade over its parts: key
 * agreement, renewal, claims, our moves, the peer's moves and refusals. Everything happens on the {@link EngineLoop}'s
 * one thread, which does no I/O: messages go to the {@link Outbox}, data-path changes to the {@link HandoverPort}
 * (an acknowledgement waits for its commit), the state to a writer thread. Received messages wait in two bounded
 * queues; authenticated ones are served before handshakes under load.
 */
public final class PeerProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(PeerProtocol.class);
    /** Messages handled per turn of the loop before timers and commands get theirs. */
    private static final int MESSAGES_PER_TURN = 64;
    private static final Duration VIEW_DELAY = Duration.ofMillis(100);
    private final CostPacing viewPacing = new CostPacing(VIEW_DELAY);

    /**
     * A received message before decoding: an ICMP message with its outer addresses, or a UDP payload with the
     * endpoint it was observed from and the local endpoint it arrived at ({@code udp} true).
     */
    private record Inbound(SacipAddress source, int sourcePort, SacipAddress destination, int destinationPort,
            byte[] octets, boolean udp) {
    }

    private final EngineContext ctx;
    private final EngineStore store;
    private final KeyAgreement agreement;
    private final KeyRenewal renewal;
    private final Claims claims;
    private final OwnMoves ownMoves;
    private final PeerMoves peerMoves;
    private final Refusals refusals;
    private final Keepalives keepalives;
    private final PathValidation pathValidation;
    private final Tunnels tunnels;
    private final BlockingQueue<Inbound> authenticated = new ArrayBlockingQueue<>(EngineLimits.QUEUED_MESSAGES);
    private final BlockingQueue<Inbound> handshakes = new ArrayBlockingQueue<>(EngineLimits.QUEUED_MESSAGES);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Bindings saved before a restart, waiting for their sessions to show up in the first dump. */
    private Map<SessionTuple, EngineStore.SavedBinding> savedBindings = new HashMap<>();
    /** The saved bindings again, for {@link #withSavedOpenings}, which runs on the agent's session thread. */
    private volatile Map<SessionTuple, EngineStore.SavedBinding> savedOpenings = Map.of();
    private boolean saveScheduled;
    private boolean viewScheduled;
    private volatile EngineView view = EngineView.EMPTY;

    private PeerProtocol(EngineContext ctx, EngineStore store) {
        this.ctx = ctx;
        this.store = store;
        this.agreement = new KeyAgreement(ctx, new KeyAgreement.Listener() {
            @Override
            public void established(Association association) {
                ownMoves().reserveForNewLineage(association);
                keepalives().follow(association);
                renewal().schedule(association);
                claims().established(association);
                ctx.changes.lineage(association, null);
                ctx.persistence.soon();
                // After the handshake's last message: the peer must know the key before our update under it.
                ctx.loop.execute(() -> ownMoves().catchUp(association));
            }

            @Override
            public void failed(org.sacip.protocol.handshake.AddressPair path, String why) {
                claims().agreementFailed(path);
            }
        });
        this.renewal = new KeyRenewal(ctx, agreement, new KeyRenewal.Listener() {
            @Override
            public void erased(Association association, String why) {
                claims().erased(association);
                tunnels().erased(association);
                ctx.changes.gone(association.lineage);
            }

            @Override
            public void renewed(Association association) {
                tunnels().renew(association, "its key was renewed");
            }
        });
        this.claims = new Claims(ctx, agreement, association -> {
            renewal().idleChanged(association);
            ownMoves().catchUp(association);
            tunnels().check(association);
        });
        this.ownMoves = new OwnMoves(ctx, association -> peerMoves().restartCheckFromNewAddress(association));
        this.peerMoves = new PeerMoves(ctx, ownMoves);
        this.refusals = new Refusals(ctx, agreement, renewal);
        this.keepalives = new Keepalives(ctx);
        this.pathValidation = new PathValidation(ctx, association -> tunnels().pathChanged(association));
        this.tunnels = new Tunnels(ctx);
    }

    private Tunnels tunnels() {
        return tunnels;
    }

    private Keepalives keepalives() {
        return keepalives;
    }

    private KeyRenewal renewal() {
        return renewal;
    }

    private Claims claims() {
        return claims;
    }

    private PeerMoves peerMoves() {
        return peerMoves;
    }

    private OwnMoves ownMoves() {
        return ownMoves;
    }

    /**
     * An engine with the lineages saved in {@code store}. Each key keeps the lifetime it had before the restart; the
     * saved bindings wait for their sessions ({@link #sessionsOpened}).
     *
     * @throws StateFileException when the state file cannot be read or is not one this engine wrote
     */
    public static PeerProtocol open(EngineLoop loop, Outbox outbox, HandoverPort handover, EngineStore store,
            SecureRandom random, EngineLimits limits, Predicate<SacipAddress> managedPeer)
            throws StateFileException {
        return open(loop, outbox, handover, store, random, limits, managedPeer, UdpSettings.OFF);
    }

    /**
     * As {@link #open(EngineLoop, Outbox, HandoverPort, EngineStore, SecureRandom, EngineLimits, Predicate)}, with
     * SACIP over UDP as {@code udp} says (PROTOCOL.md section 13).
     */
    public static PeerProtocol open(EngineLoop loop, Outbox outbox, HandoverPort handover, EngineStore store,
            SecureRandom random, EngineLimits limits, Predicate<SacipAddress> managedPeer, UdpSettings udp)
            throws StateFileException {
        return open(loop, outbox, handover, store, random, limits, managedPeer, udp, false);
    }

    /**
     * An engine for {@link EngineRehearsal}: it keeps no state file, and what it would log at info (keys agreed) it
     * logs at debug, so that a rehearsal at start does not fill the agent's log.
     */
    static PeerProtocol rehearsing(EngineLoop loop, Outbox outbox, HandoverPort handover, SecureRandom random)
            throws StateFileException {
        return open(loop, outbox, handover, EngineStore.discarding(), random, EngineLimits.defaults(), peer -> true,
                UdpSettings.OFF, true);
    }

    private static PeerProtocol open(EngineLoop loop, Outbox outbox, HandoverPort handover, EngineStore store,
            SecureRandom random, EngineLimits limits, Predicate<SacipAddress> managedPeer, UdpSettings udp,
            boolean rehearsal) throws StateFileException {
        EngineStore.Snapshot saved = store.load(loop.now());
        PeerProtocol[] self = new PeerProtocol[1];
        EngineContext ctx = new EngineContext(loop, outbox, random, limits, handover, managedPeer,
                new EngineContext.PersistenceTrigger() {
                    @Override
                    public void soon() {
                        self[0].saveSoon();
                    }

                    @Override
                    public CompletableFuture<Void> durably() {
                        return self[0].store.saveDurably(self[0].snapshot());
                    }
                }, udp, rehearsal);
        PeerProtocol protocol = new PeerProtocol(ctx, store);
        self[0] = protocol;
        List<Association> restored = new ArrayList<>();
        for (EngineStore.SavedLineage lineage : saved.lineages()) {
            AssociationKey key = new AssociationKey(lineage.keys(), lineage.role(), lineage.keyEstablished(),
                    lineage.lastAccepted());
            // Its key may be a renewal's: the lineage keeps the name it had.
            Association association = new Association(key, lineage.lineage(), EngineStore.boundOf(lineage),
                    lineage.lineageEstablished(), lineage.localCurrent(), lineage.localConfirmed(),
                    lineage.peerCurrent(), lineage.sequenceReserved(), loop.now());
            association.udpPeer = lineage.path().udpPeer().orElse(null);
            association.localBehindNat = lineage.path().localBehindNat();
            association.peerBehindNat = lineage.path().peerBehindNat();
            association.carried = lineage.path().carried();
            // Without this, a restarted agent could send its peer no more than the peer sent it since the restart:
            // the first move's update, from an address the peer never sent to, would wait for nothing and be dropped.
            lineage.peerProven().forEach(ctx::proven);
            restored.add(association);
        }
        restored.forEach(ctx.associations::index);
        saved.bindings().forEach(b -> protocol.savedBindings.put(b.session(), b));
        protocol.savedOpenings = Map.copyOf(protocol.savedBindings);
        loop.execute(() -> {
            protocol.agreement.start();
            restored.forEach(a -> {
                protocol.renewal.schedule(a);
                protocol.keepalives.follow(a);
                ctx.changes.lineage(a, null);
            });
            // Tunnel keys are never saved: a lineage that carried sessions opens a new tunnel once they are bound
            // again (Claims' listener), and a peer that kept its old one is answered by opening one too.
            protocol.ownMoves.reserveAhead(restored);
            protocol.markViewDirty();
        });
        return protocol;
    }

    // ---- tunnels ----

    /** The data plane that carries sessions through NATs (PROTOCOL.md 15); call before any message arrives. */
    public void carryThrough(TunnelPort port) {
        ctx.loop.execute(() -> {
            ctx.tunnels = port;
            // The agent gives its data plane after the saved bindings were restored: the lineages restored with
            // sessions to carry could not open their tunnels then.
            new ArrayList<>(ctx.associations.all()).forEach(tunnels::check);
        });
    }

    /** The data plane sealed as many datagrams on a tunnel as its keys should carry (PROTOCOL.md 15.6). */
    public void tunnelWornOut(Octets lineage) {
        ctx.loop.execute(() -> {
            Association association = ctx.associations.byLineage(lineage);
            if (association != null) {
                tunnels.renew(association, "it sealed " + org.sacip.protocol.tunnel.DataDatagram.RENEW_AFTER
                        + " datagrams");
            }
        });
    }

    /** The data plane opened the first datagram of an accepted tunnel. Any thread. */
    public void tunnelConfirmed(Octets lineage, long tunnelId) {
        ctx.loop.execute(() -> {
            Association association = ctx.associations.byLineage(lineage);
            if (association != null) {
                tunnels.confirmed(association, tunnelId);
            }
        });
    }

    /**
     * The data plane got a datagram for a tunnel it does not hold from {@code from}: if that is a lineage's path,
     * the peer kept a tunnel this host lost (a restart), and this host opens a new one. Any thread.
     */
    public void unknownTunnel(UdpEndpoint from) {
        ctx.loop.execute(() -> {
            for (Association association : ctx.associations.all()) {
                if (from.equals(association.udpPeer) && association.tunnel.keys == null
                        && Tunnels.needsTunnel(association)) {
                    tunnels.unknownTunnel(association);
                }
            }
        });
    }

    // ---- received messages ----

    /** A captured ICMP message with its outer addresses; handled later on the engine thread. Never blocks. */
    public void receive(SacipAddress source, SacipAddress destination, byte[] icmp) {
        enqueue(new Inbound(source, 0, destination, 0, icmp.clone(), false), 9);
    }

    /**
     * A SACIP-over-UDP payload (PROTOCOL.md section 13) that arrived from {@code source}:{@code sourcePort} (as
     * observed, after any NAT) at {@code local}:{@code localPort}; handled later on the engine thread. Never blocks.
     */
    public void receiveUdp(SacipAddress source, int sourcePort, SacipAddress local, int localPort, byte[] payload) {
        enqueue(new Inbound(source, sourcePort, local, localPort, payload.clone(), true),
                UdpFraming.SACIP_PART_OFFSET + 5);
    }

    /** {@code kindAt}: where the message kind is, which sorts it into one of the two queues. */
    private void enqueue(Inbound inbound, int kindAt) {
        BlockingQueue<Inbound> queue = isHandshake(inbound.octets(), kindAt) ? handshakes : authenticated;
        if (!queue.offer(inbound)) {
            ctx.drops.countOnly(DropReason.OVERLOAD);
            return;
        }
        if (drainScheduled.compareAndSet(false, true)) {
            ctx.loop.execute(this::drain);
        }
    }

    /** HELLO, COOKIE, INIT and REFUSAL (unauthenticated): served after the authenticated kinds under load. */
    private static boolean isHandshake(byte[] octets, int kindAt) {
        if (octets.length <= kindAt) {
            return true;
        }
        int kind = octets[kindAt] & 0xFF;
        return kind == MessageKind.HELLO.code() || kind == MessageKind.COOKIE.code()
                || kind == MessageKind.INIT.code() || kind == MessageKind.REFUSAL.code();
    }

    private void drain() {
        drainScheduled.set(false);
        for (int i = 0; i < MESSAGES_PER_TURN; i++) {
            Inbound next = authenticated.poll();
            if (next == null) {
                next = handshakes.poll();
            }
            if (next == null) {
                return;
            }
            handle(next);
        }
        if ((!authenticated.isEmpty() || !handshakes.isEmpty()) && drainScheduled.compareAndSet(false, true)) {
            ctx.loop.execute(this::drain);
        }
    }

    private void handle(Inbound inbound) {
        if (ctx.closed) {
            return;
        }
        SacipMessage message;
        Arrival arrival;
        try {
            if (inbound.udp()) {
                UdpDatagram datagram = UdpDecoder.decode(inbound.octets(), inbound.source(), inbound.destination());
                message = datagram.message();
                arrival = new Arrival.Udp(datagram.envelope(),
                        new UdpEndpoint(inbound.source(), inbound.sourcePort()),
                        new UdpEndpoint(inbound.destination(), inbound.destinationPort()));
            } else {
                message = SacipDecoder.decode(inbound.octets(), inbound.source(), inbound.destination());
                arrival = Arrival.icmp(inbound.source(), inbound.destination());
            }
        } catch (SacipCodecException | IllegalArgumentException e) {
            // Never a reply to a malformed message (section 10). IllegalArgumentException: a UDP port 0 or an
            // address that cannot be an endpoint, which the socket never reports.
            ctx.drops.drop(e instanceof SacipCodecException c ? DropReason.of(c) : DropReason.MALFORMED,
                    "from " + inbound.source() + ": " + e.getMessage(), ctx.now());
            return;
        }
        SacipAddress source = arrival.source();
        LOG.debug("received {} from {} to {}{}", message.kind(), source, arrival.localAddress(),
                inbound.udp() ? " over UDP" : "");
        ctx.messages.countReceived(message.kind());
        markViewDirty();
        try {
            dispatch(message, arrival);
        } catch (SacipProtocolException e) {
            ctx.drops.drop(DropReason.of(e), message.kind() + " from " + source + ": " + e.getMessage(), ctx.now());
            refusals.refuse(message, e.reason(), arrival, inbound.octets().length);
        } catch (Drop e) {
            ctx.drops.drop(e.reason, message.kind() + " from " + source + ": " + e.getMessage(), ctx.now());
            if (e.answerBusy) {
                refusals.busy(message, arrival, inbound.octets().length);
            } else if (e.reason == DropReason.NOT_MANAGED) {
                refusals.notAllowed(message, arrival, inbound.octets().length);
            }
        }
    }

    private void dispatch(SacipMessage message, Arrival arrival) throws SacipProtocolException, Drop {
        if (!pathValidation.admit(message, arrival)) {
            return;
        }
        switch (message.kind()) {
            case HELLO -> agreement.onHello((Hello) message, arrival);
            case COOKIE -> agreement.onCookie((CookieReply) message, arrival);
            case INIT -> {
                if (!ctx.managedPeer.test(arrival.source())) {
                    throw Drop.notManaged(arrival.source() + " is outside the peers this agent manages");
                }
                agreement.onInit((Init) message, arrival);
            }
            case INIT_REPLY -> {
                if (!renewal.onInitReply((InitReply) message, arrival)) {
                    agreement.onInitReply((InitReply) message, arrival);
                }
            }
            case INIT_CONFIRM -> {
                InitConfirm confirm = (InitConfirm) message;
                if (!renewal.onInitConfirm(confirm, arrival)
                        && !agreement.onInitConfirm(confirm, arrival)) {
                    throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                            "INIT_CONFIRM without a pending handshake");
                }
            }
            case REKEY -> renewal.onRekey((Rekey) message, arrival);
            case ADDRESS_UPDATE -> peerMoves.onAddressUpdate((AddressUpdate) message, arrival);
            case UPDATE_ACK -> {
                ownMoves.onUpdateAck((UpdateAck) message, arrival);
                // A move behind a NAT makes the lineage's path UDP: keepalives from now on, and a tunnel for the
                // sessions.
                Association moved = ctx.associations.byKeyId(((UpdateAck) message).keyId());
                if (moved != null) {
                    keepalives.follow(moved);
                    tunnels.pathChanged(moved);
                    tunnels.check(moved);
                }
            }
            case PATH_CHALLENGE -> ownMoves.onPathChallenge((PathChallenge) message, arrival);
            case PATH_RESPONSE -> {
                if (!keepalives.onPathResponse((PathResponse) message, arrival)
                        && !pathValidation.onPathResponse((PathResponse) message, arrival)) {
                    peerMoves.onPathResponse((PathResponse) message, arrival);
                    Association checked = ctx.associations.byKeyId(((PathResponse) message).keyId());
                    if (checked != null) {
                        tunnels.pathChanged(checked);
                    }
                }
            }
            case REFUSAL -> refusals.onRefusal((Refusal) message, arrival);
            case CLAIM -> claims.onClaim((Claim) message, arrival);
            case CLAIM_REPLY -> claims.onClaimReply((ClaimReply) message, arrival);
            case TUNNEL_OPEN -> tunnels.onOpen((TunnelOpen) message, arrival);
            case TUNNEL_ACCEPT -> tunnels.onAccept((TunnelAccept) message, arrival);
            default -> throw new IllegalStateException("message kind " + message.kind() + " has no handler");
        }
    }

    // ---- commands ----

    /**
     * The sessions found at start-up ({@code initialDump}), each with what the agent saw of its opening before a
     * restart: a session found with no record of its opening (the agent did not watch it open) gets the one saved with
     * its binding, so that claims and the retransmission kick work for it as before. A session whose opener differs
     * from the saved one is not the one saved (its tuple was reused while the agent was down) and gets nothing. Call
     * once, with the start-up list, before {@link #sessionsOpened}; any thread. Later sessions are returned as they
     * are: a session opened after the start is a new one, whatever its tuple.
     */
    public List<SessionOpened> withSavedOpenings(List<SessionOpened> sessions, boolean initialDump) {
        Map<SessionTuple, EngineStore.SavedBinding> saved = savedOpenings;
        if (!initialDump || saved.isEmpty()) {
            return sessions;
        }
        savedOpenings = Map.of();
        List<SessionOpened> restored = new ArrayList<>(sessions.size());
        for (SessionOpened opened : sessions) {
            EngineStore.SavedBinding binding = opened.proof().isPresent() ? null : saved.get(opened.tuple());
            if (binding != null && binding.proof().isPresent()
                    && (opened.opener() == Opener.UNKNOWN || opened.opener() == binding.opener())) {
                restored.add(new SessionOpened(opened.tuple(), binding.opener(), binding.proof(), opened.since()));
            } else {
                restored.add(opened);
            }
        }
        return restored;
    }

    /**
     * Sessions the kernel shows established and answered. {@code initialDump} marks the complete list at start-up:
     * bindings saved before a restart are restored for the sessions in it and forgotten for the others.
     */
    public void sessionsOpened(List<SessionOpened> sessions, boolean initialDump) {
        List<SessionOpened> copy = List.copyOf(sessions);
        ctx.loop.execute(() -> {
            if (ctx.closed) {
                return;
            }
            restoreBindings(copy);
            if (initialDump) {
                savedBindings = new HashMap<>();
            }
            claims.opened(copy);
            markViewDirty();
        });
    }

    private void restoreBindings(List<SessionOpened> sessions) {
        if (savedBindings.isEmpty()) {
            return;
        }
        List<BindingChange> changes = new ArrayList<>();
        java.util.Set<Association> touched = new java.util.HashSet<>();
        for (SessionOpened opened : sessions) {
            EngineStore.SavedBinding saved = savedBindings.remove(opened.tuple());
            Association association = saved == null ? null : ctx.associations.byLineage(saved.lineage());
            if (association != null) {
                SessionRegistry.Entry entry = ctx.sessions.add(opened.tuple(), opened.opener(), opened.proof(),
                        opened.since());
                ctx.sessions.bind(entry, association, ctx.now());
                entry.peerOwn = saved.peerOwn();
                entry.ourPublic = saved.ourPublic();
                changes.add(BindingChange.bound(opened.tuple(), saved.lineage(), saved.peerOwn()));
                touched.add(association);
            }
        }
        touched.forEach(renewal::idleChanged);
        if (!changes.isEmpty()) {
            ctx.changes.bindings(changes, null, null);
        }
        // A move the agent announced again at the restart (announceMove), which the peer had not acknowledged before
        // it: the peer is told now that the lineage holds its sessions again.
        touched.forEach(ownMoves::catchUp);
        // A lineage that carried sessions before the restart needs a tunnel again (its keys were not saved).
        touched.forEach(tunnels::check);
    }

    /** Sessions that ended. */
    public void sessionsEnded(List<SessionTuple> sessions) {
        List<SessionTuple> copy = List.copyOf(sessions);
        ctx.loop.execute(() -> {
            if (!ctx.closed) {
                claims.ended(copy);
                markViewDirty();
            }
        });
    }

    /**
     * This host's sessions of {@code localOriginal} now live at {@code newCurrent}: the peer of every lineage bound
     * there that holds sessions is told, from the new address. The data path must already accept packets at it.
     */
    public void announceMove(SacipAddress localOriginal, SacipAddress newCurrent) {
        if (localOriginal.family() != newCurrent.family()) {
            throw new IllegalArgumentException("a move keeps the address family: " + localOriginal + " -> "
                    + newCurrent);
        }
        ctx.loop.execute(() -> {
            if (!ctx.closed) {
                ownMoves.announce(localOriginal, newCurrent);
                markViewDirty();
            }
        });
    }

    /** The latest view of the engine's state (published shortly after changes); never waits for the engine. */
    public EngineView view() {
        return view;
    }

    public DropCounters drops() {
        return ctx.drops;
    }

    /** SACIP messages sent, received and retransmitted, by kind. */
    public MessageCounters messages() {
        return ctx.messages;
    }

    /** Stops every timer; the state is saved once more and stays on disk. */
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.loop.execute(() -> {
            if (!ctx.closed) {
                store.save(snapshot());
                ctx.closed = true;
                ctx.associations.all().forEach(Association::stopTimers);
                agreement.close();
                renewal.close();
            }
            done.complete(null);
        });
        try {
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("peer protocol did not stop within 5 s: {}", e.toString());
        }
        store.close();
    }

    // ---- state on disk and the published view ----

    private void saveSoon() {
        if (saveScheduled || ctx.closed) {
            return;
        }
        saveScheduled = true;
        ctx.loop.schedule(store.pacing().delay(), () -> {
            saveScheduled = false;
            long started = System.nanoTime();
            EngineStore.Snapshot snapshot = snapshot();
            store.pacing().built(System.nanoTime() - started);
            store.save(snapshot);
        });
    }

    /** The lineage's peer addresses that have shown they receive there. */
    private List<SacipAddress> provenOf(Association a) {
        List<SacipAddress> proven = new ArrayList<>(2);
        if (ctx.proven.containsKey(a.peer.current)) {
            proven.add(a.peer.current);
        }
        if (a.udpPeer != null && !a.udpPeer.address().equals(a.peer.current)
                && ctx.proven.containsKey(a.udpPeer.address())) {
            proven.add(a.udpPeer.address());
        }
        return proven;
    }

    private EngineStore.Snapshot snapshot() {
        List<EngineStore.SavedLineage> lineages = new ArrayList<>();
        for (Association a : ctx.associations.all()) {
            AssociationKey key = a.keys.current;
            lineages.add(new EngineStore.SavedLineage(key.keys, key.role, key.established, a.lineageEstablished,
                    a.lineage, a.own.current, a.own.confirmed, a.peer.current, a.own.sequenceReserved,
                    key.confirmedAccepted, new EngineStore.SavedPath(Optional.ofNullable(a.udpPeer), a.localBehindNat,
                            a.peerBehindNat, a.carried), provenOf(a)));
        }
        List<EngineStore.SavedBinding> bindings = new ArrayList<>();
        for (Association a : ctx.associations.all()) {
            for (SessionTuple tuple : ctx.sessions.boundTo(a)) {
                SessionRegistry.Entry entry = ctx.sessions.get(tuple);
                bindings.add(new EngineStore.SavedBinding(tuple, a.lineage, entry.peerOwn, entry.ourPublic,
                        entry.opener, entry.proof));
            }
        }
        return new EngineStore.Snapshot(lineages, bindings);
    }

    private void markViewDirty() {
        if (viewScheduled || ctx.closed) {
            return;
        }
        viewScheduled = true;
        ctx.loop.schedule(viewPacing.delay(), () -> {
            viewScheduled = false;
            viewPacing.publish(this::publishView);
        });
    }

    private void publishView() {
        List<AssociationView> lineages = new ArrayList<>();
        ctx.associations.all().forEach(a -> lineages.add(AssociationView.of(a)));
        Map<SessionTuple, String> unbound = new HashMap<>();
        Map<SessionTuple, Octets> bound = new HashMap<>();
        Map<SessionTuple, Endpoint> peerOwn = new HashMap<>();
        Map<SessionTuple, Endpoint> ourPublic = new HashMap<>();
        for (SessionRegistry.Entry entry : ctx.sessions.all()) {
            if (entry.boundTo != null) {
                bound.put(entry.tuple, entry.boundTo.lineage);
                if (entry.peerOwn != null) {
                    peerOwn.put(entry.tuple, entry.peerOwn);
                }
                if (entry.ourPublic != null) {
                    ourPublic.put(entry.tuple, entry.ourPublic);
                }
            } else if (entry.why != null) {
                unbound.put(entry.tuple, entry.why.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
        }
        List<Bound> bounds = new ArrayList<>();
        bounds.addAll(ctx.associations.bounds());
        bounds.addAll(agreement.bounds());
        bounds.addAll(ctx.sessions.bounds());
        bounds.add(ctx.proven.bound());
        bounds.add(ctx.refusalsSent.bound());
        bounds.add(ctx.refusalsHeard.bound());
        bounds.add(new Bound("queued-authenticated", authenticated.size(), EngineLimits.QUEUED_MESSAGES));
        bounds.add(new Bound("queued-handshakes", handshakes.size(), EngineLimits.QUEUED_MESSAGES));
        view = new EngineView(ctx.now(), lineages, bound, unbound, peerOwn, ourPublic, bounds);
    }

    /** For tests: publishes the view now (on the engine thread). */
    void publishViewNow() {
        publishView();
    }

    Optional<Association> association(Octets lineage) {
        return Optional.ofNullable(ctx.associations.byLineage(lineage));
    }

    Instant now() {
        return ctx.now();
    }
}
