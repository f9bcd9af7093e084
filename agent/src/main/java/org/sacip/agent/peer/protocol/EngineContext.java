package org.sacip.agent.peer.protocol;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;
import org.slf4j.event.Level;

/**
 * What the parts of the engine share: the loop and its clock, the tables, the sender, the data path's port, the
 * store, the limits, and which peer addresses have proved that they receive. Engine thread only.
 */
final class EngineContext {
    /** Sessions named as evidence of what a peer sent us (their kernel counters), at most. */
    private static final int EVIDENCE = 4;

    final EngineLoop loop;
    final Outbox outbox;
    final SecureRandom random;
    /** The X25519 key pairs of our handshakes, first ones, renewals and answers alike. */
    final SpareKeyPairs keyPairs;
    final DropCounters drops;
    final MessageCounters messages = new MessageCounters();
    final EngineLimits limits;
    final AssociationTable associations;
    final SessionRegistry sessions = new SessionRegistry();
    final ChangeBatcher changes;
    final Predicate<SacipAddress> managedPeer;
    /** An engine of {@link EngineRehearsal}, not of a peer. */
    final boolean rehearsal;
    /** Peer addresses that answered something only a receiver there could (COOKIE, INIT with cookie, ...). */
    final LruMap<SacipAddress, Boolean> proven = new LruMap<>("proven-addresses", EngineLimits.VALIDATED_ADDRESSES);
    final KeyedRateLimiter<SacipAddress> refusalsSent;
    final KeyedRateLimiter<SacipAddress> refusalsHeard;
    final PersistenceTrigger persistence;
    /** SACIP over UDP (PROTOCOL.md section 13): the agent port (0: off) and the keepalive interval. */
    final UdpSettings udp;
    /** The agent port; 0 when SACIP over UDP is off. */
    final int udpPort;
    /** The data plane that carries sessions through tunnels (PROTOCOL.md 15); NONE until the agent gives one. */
    TunnelPort tunnels = TunnelPort.NONE;
    boolean closed;

    /** Asks for the state to be saved soon (coalesced), or durably now. */
    interface PersistenceTrigger {
        void soon();

        java.util.concurrent.CompletableFuture<Void> durably();
    }

    EngineContext(EngineLoop loop, Outbox outbox, SecureRandom random, EngineLimits limits, HandoverPort handover,
            Predicate<SacipAddress> managedPeer, PersistenceTrigger persistence, UdpSettings udp, boolean rehearsal) {
        this.rehearsal = rehearsal;
        this.loop = loop;
        this.outbox = outbox;
        this.random = random;
        this.keyPairs = new SpareKeyPairs(loop, random);
        this.drops = new DropCounters();
        this.limits = limits;
        this.associations = new AssociationTable(limits);
        this.changes = new ChangeBatcher(loop, handover);
        this.managedPeer = managedPeer;
        this.persistence = persistence;
        this.udp = udp;
        this.udpPort = udp.port();
        this.refusalsSent = new KeyedRateLimiter<>("refusal-destinations", 10, 10, 4096);
        this.refusalsHeard = new KeyedRateLimiter<>("refusal-sources", 10, 10, 4096);
    }

    Instant now() {
        return loop.now();
    }

    /** The level of what an operator wants in the log (a key agreed): info, but debug in a rehearsal. */
    Level notable() {
        return rehearsal ? Level.DEBUG : Level.INFO;
    }

    void proven(SacipAddress address) {
        proven.put(address, Boolean.TRUE);
    }

    /**
     * The envelope of a message of {@code association} from our address {@code from}: over UDP from the agent port
     * to the peer's endpoint when the lineage's path is UDP (section 13.5), else over ICMP to {@code to}.
     */
    Envelope toPeer(Association association, SacipAddress from, SacipAddress to) {
        if (association.udpPeer != null && udpPort != 0) {
            return new UdpEnvelope(new UdpEndpoint(from, udpPort), association.udpPeer);
        }
        return new Envelope.Icmp(from, to);
    }

    /** Sends a request or an authenticated message over ICMP; it may resolve the next hop. */
    void send(SacipMessage message, SacipAddress from, SacipAddress to) {
        send(message, new Envelope.Icmp(from, to));
    }

    /** Sends a request or an authenticated message in {@code envelope} (ICMP or UDP); it may resolve the next hop. */
    void send(SacipMessage message, Envelope envelope) {
        post(outbound(envelope.encode(message), message, envelope, false));
    }

    /** Sends an answer to an unauthenticated message: never resolves a next hop (never triggers ARP/ND). */
    void answer(SacipMessage message, Envelope envelope) {
        post(outbound(envelope.encode(message), message, envelope, true));
    }

    /** Sends octets encoded before for {@code envelope} (a retransmission resends the same octets). */
    void sendEncoded(byte[] octets, SacipMessage message, Envelope envelope) {
        post(outbound(octets, message, envelope, false));
    }

    /** As {@link #sendEncoded(byte[], SacipMessage, Envelope)} for an ICMP message. */
    void sendEncoded(byte[] icmp, SacipMessage message, SacipAddress from, SacipAddress to) {
        sendEncoded(icmp, message, new Envelope.Icmp(from, to));
    }

    private void post(Outbound message) {
        messages.countSent(message.kind());
        outbox.send(message);
    }

    /**
     * The outbound message for {@code envelope}: from its source to its destination, over UDP to the stated
     * destination's port (a peer behind a NAT: its public endpoint, which the envelope names).
     */
    private Outbound outbound(byte[] octets, SacipMessage message, Envelope envelope, boolean answer) {
        SacipAddress from = envelope.source();
        SacipAddress to = envelope.destination();
        int udpPort = envelope instanceof UdpEnvelope udp ? udp.statedDestination().port() : 0;
        return new Outbound(from, to, octets, message.kind(), answer, !isProven(from, to), evidence(from, to),
                udpPort);
    }

    /**
     * Whether {@code to} has shown that it receives there: it echoed a nonce of ours, or it answered a TCP SYN we sent
     * it from {@code from} (its SYN-ACK acknowledged our random initial sequence number, as only a host that
     * receives at that address can). Without the second, an idle connection whose server sent nothing but its
     * SYN-ACK (60 octets) could never carry our HELLO (64).
     */
    private boolean isProven(SacipAddress from, SacipAddress to) {
        if (proven.containsKey(to)) {
            return true;
        }
        for (SessionRegistry.Entry entry : sessions.ofPair(new AddressPair(from, to))) {
            if (entry.opener == Opener.LOCAL
                    && entry.tuple.protocol() == SessionProtocol.TCP) {
                proven(to);
                return true;
            }
        }
        return false;
    }

    /** Our sessions with the address: what it sent us in them is what we may send it before it proved itself. */
    private List<SessionTuple> evidence(SacipAddress from, SacipAddress to) {
        if (isProven(from, to)) {
            return List.of();
        }
        List<SessionTuple> tuples = new ArrayList<>(EVIDENCE);
        for (SessionRegistry.Entry entry : sessions.ofPair(new AddressPair(from, to))) {
            tuples.add(entry.tuple);
            if (tuples.size() == EVIDENCE) {
                break;
            }
        }
        return tuples;
    }
}
