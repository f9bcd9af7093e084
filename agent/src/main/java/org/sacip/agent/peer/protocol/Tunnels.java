package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.util.Arrays;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.tunnel.TunnelHandshake;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnels of lineages whose sessions are carried through a NAT (PROTOCOL.md 15). A host that moved behind a NAT
 * (the peer acknowledged an address at which a NAT translates it) opens a tunnel on the lineage's UDP path; the peer
 * accepts it from that path only. Either host opens again when it finds it has no tunnel where one is needed (after a
 * restart: keys are never saved, so a restart never reuses a key and nonce). Of two OPENs that cross, the one with
 * the greater nonce goes on. The opener's tunnel is up at the ACCEPT; the accepter's once a datagram under the new
 * keys arrived (the data plane says so), so the accepter never sends what the opener cannot open yet. A lineage whose
 * tunnel was up once stays carried ({@link Association#carried}, saved): after a restart a host opens a new tunnel
 * for it also where neither host is translated any more (back home). Engine thread only.
 */
final class Tunnels {
    private static final Logger LOG = LoggerFactory.getLogger(Tunnels.class);
    /** A host opens again for a peer that lost its tunnel at most this often. */
    static final Duration REOPEN_INTERVAL = Duration.ofSeconds(1);
    /** After an OPEN went unanswered through all its transmissions, the next attempt waits this long (15.6). */
    static final Duration RETRY_PAUSE = Duration.ofSeconds(60);

    private final EngineContext ctx;

    Tunnels(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** Whether this host moved to an address where a NAT translates it: its sessions must go through a tunnel. */
    static boolean ownMoveTranslated(Association a) {
        return a.localBehindNat && a.udpPeer != null && !a.own.confirmed.equals(a.localOriginal());
    }

    /** Whether the peer moved to an address where a NAT translates it. */
    static boolean peerMoveTranslated(Association a) {
        return a.peerBehindNat && a.udpPeer != null && !a.peer.current.equals(a.peerOriginal());
    }

    /**
     * Whether the lineage's sessions must go through a tunnel: a host moved behind a NAT, or they were carried before
     * (they stay so, also back home and after a restart).
     */
    static boolean needsTunnel(Association a) {
        return ownMoveTranslated(a) || peerMoveTranslated(a) || a.carried && a.udpPeer != null;
    }

    /** After a change that may call for a tunnel (our move acknowledged, a restart): opens one if needed. */
    void check(Association a) {
        if (ctx.tunnels.available() && a.tunnel.keys == null && a.tunnel.pending == null && a.tunnel.opening == null
                && needsTunnel(a) && a.boundSessions > 0 && mayOpen(a)) {
            open(a);
        }
    }

    /** False during the pause after an unanswered OPEN. */
    private boolean mayOpen(Association a) {
        return a.tunnel.nextAttempt == null || !ctx.now().isBefore(a.tunnel.nextAttempt);
    }

    /** The data plane got a datagram for a tunnel it does not know from the lineage's path: the peer kept one. */
    void unknownTunnel(Association a) {
        if (a.tunnel.opening != null || !ctx.tunnels.available() || !mayOpen(a)
                || a.tunnel.reopened != null && ctx.now().isBefore(a.tunnel.reopened.plus(REOPEN_INTERVAL))) {
            return;
        }
        a.tunnel.reopened = ctx.now();
        LOG.info("{} sends through a tunnel this agent does not hold: opening a new one", a.peerOriginal());
        open(a);
    }

    /**
     * A tunnel ends with its key, and carries at most {@code RENEW_AFTER} datagrams (15.6): a host with a tunnel opens
     * a new one, which replaces it once up. Either host may: the crossing rule settles two at once.
     */
    void renew(Association a, String why) {
        if ((a.tunnel.keys != null || a.tunnel.pending != null) && a.tunnel.opening == null
                && ctx.tunnels.available() && a.udpPeer != null) {
            LOG.info("opening a new tunnel with {}: {}", a.peerOriginal(), why);
            open(a);
        }
    }

    private void open(Association a) {
        AssociationKey key = a.keys.current;
        UdpEnvelope envelope = new UdpEnvelope(new UdpEndpoint(a.own.confirmed, ctx.udpPort), a.udpPeer);
        TunnelHandshake handshake = TunnelHandshake.open(key.keys, key.role, envelope, ctx.random);
        a.tunnel.opening = handshake;
        a.tunnel.openingRetransmission = Retransmission.start(ctx, RetransmitPolicy.TUNNEL_OPEN,
                () -> ctx.send(handshake.message(), handshake.sent()), () -> {
                    if (a.tunnel.opening == handshake) {
                        a.tunnel.opening = null;
                        a.tunnel.nextAttempt = ctx.now().plus(RETRY_PAUSE);
                        LOG.warn("{} did not accept a tunnel at {}: its sessions are not carried; trying again in {}"
                                + " s", a.peerOriginal(), handshake.sent().statedDestination(),
                                RETRY_PAUSE.toSeconds());
                        a.tunnel.retry = ctx.loop.schedule(RETRY_PAUSE, () -> {
                            if (ctx.associations.byLineage(a.lineage) == a) {
                                check(a);
                            }
                        });
                    }
                });
        LOG.debug("opening a tunnel to {} at {}", a.peerOriginal(), a.udpPeer);
    }

    void onOpen(TunnelOpen open, Arrival arrival) throws SacipProtocolException, Drop {
        Association a = ctx.associations.byKeyId(open.keyId());
        if (a == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + open.keyId());
        }
        if (!ctx.tunnels.available()) {
            throw Drop.behindNat("TUNNEL_OPEN from " + arrival.source() + ": this agent carries no sessions");
        }
        if (a.udpPeer == null) {
            // A tunnel runs on the lineage's UDP path (15.6); this lineage's path is ICMP.
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "TUNNEL_OPEN for a lineage whose path is not UDP");
        }
        AssociationKey key = a.keyFor(open.keyId());
        TunnelHandshake.Accepted last = a.tunnel.accepted;
        if (last != null && last.message().openerNonce().equals(open.openerNonce())) {
            // Our ACCEPT was lost: the same answer again (the keys stay those of the first).
            ctx.send(last.message(), arrival.answer());
            return;
        }
        TunnelHandshake ours = a.tunnel.opening;
        if (ours != null) {
            int order = Arrays.compareUnsigned(ours.message().openerNonce().toByteArray(),
                    open.openerNonce().toByteArray());
            if (order > 0) {
                // Both opened at once: ours goes on, the peer accepts it (15.6).
                return;
            }
            a.tunnel.openingRetransmission.cancel();
            a.tunnel.opening = null;
            if (order == 0) {
                // The same nonce from both (never by chance): both open again with new ones.
                open(a);
                return;
            }
        }
        TunnelHandshake.Accepted accepted = TunnelHandshake.accept(open, key.keys, key.role, arrival, ctx.random);
        a.tunnel.accepted = accepted;
        a.lastHeard = ctx.now();
        // Pending until a datagram under it opens: only a holder of the key can seal one, so a replayed OPEN never
        // disturbs the tunnel in use (15.6).
        a.tunnel.pending = accepted.keys();
        ctx.tunnels.start(a.lineage, accepted.keys(), TunnelRole.ACCEPTER, ((Arrival.Udp) arrival).local(),
                a.udpPeer);
        LOG.info("tunnel {} with {} at {} accepted: current at its first datagram", accepted.keys().tunnelIdHex(),
                a.peerOriginal(), a.udpPeer);
        ctx.send(accepted.message(), arrival.answer());
    }

    void onAccept(TunnelAccept accept, Arrival arrival) throws SacipProtocolException {
        Association a = ctx.associations.byKeyId(accept.keyId());
        if (a == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + accept.keyId());
        }
        TunnelHandshake opening = a.tunnel.opening;
        if (opening == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "TUNNEL_ACCEPT with no TUNNEL_OPEN of ours waiting");
        }
        TunnelKeys keys = opening.complete(accept, arrival);
        a.tunnel.openingRetransmission.cancel();
        a.tunnel.opening = null;
        a.tunnel.nextAttempt = null;
        a.tunnel.accepted = null;
        a.tunnel.pending = null;
        a.lastHeard = ctx.now();
        ctx.proven(arrival.answer().destination());
        a.tunnel.keys = keys;
        a.tunnel.up = true;
        carried(a);
        ctx.tunnels.start(a.lineage, keys, TunnelRole.OPENER, opening.sent().statedSource(), a.udpPeer);
        LOG.info("tunnel {} with {} at {} is up: its sessions are carried", keys.tunnelIdHex(), a.peerOriginal(),
                a.udpPeer);
        ctx.changes.lineage(a, null);
    }

    /** The data plane opened a datagram of the pending tunnel: the opener holds its keys, it is current now. */
    void confirmed(Association a, long tunnelId) {
        if (a.tunnel.pending != null && a.tunnel.pending.tunnelId() == tunnelId) {
            a.tunnel.keys = a.tunnel.pending;
            a.tunnel.pending = null;
            boolean wasUp = a.tunnel.up;
            a.tunnel.up = true;
            carried(a);
            LOG.info("tunnel {} with {} is up: its sessions are carried", a.tunnel.keys.tunnelIdHex(),
                    a.peerOriginal());
            if (!wasUp) {
                ctx.changes.lineage(a, null);
            }
        }
    }

    /** The lineage's sessions are carried from now on: saved, so that a restart opens a tunnel for them again. */
    private void carried(Association a) {
        if (!a.carried) {
            a.carried = true;
            ctx.persistence.soon();
        }
    }

    /** The lineage's path moved: the tunnel's datagrams follow it. */
    void pathChanged(Association a) {
        if (a.tunnel.keys != null && a.udpPeer != null) {
            ctx.tunnels.path(a.lineage, new UdpEndpoint(a.own.confirmed, ctx.udpPort), a.udpPeer);
        }
    }

    void erased(Association a) {
        if (a.tunnel.keys != null || a.tunnel.pending != null) {
            ctx.tunnels.stop(a.lineage);
        }
    }
}
