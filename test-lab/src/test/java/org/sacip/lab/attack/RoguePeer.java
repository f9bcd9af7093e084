package org.sacip.lab.attack;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.netlink.NetlinkException;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.claim.ClaimMessages;
import org.sacip.protocol.claim.ClaimVerifier;
import org.sacip.protocol.claim.SentClaim;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UpdateAck;
import org.sacip.protocol.move.ReachabilityCheck;

/**
 * A peer that speaks SACIP from inside a lab namespace with the codec's own classes, so it speaks whatever
 * protocol version the codec does, but follows no agent's rules: it completes real handshakes as initiator from
 * addresses it holds, then sends whatever authenticated messages a test asks for (claims, updates, path challenges
 * and responses, REKEYs), answers the agent's challenges or not, and sends unauthenticated messages from any source.
 * It hears every SACIP message that reaches its host (a {@link PacketTap}) and sends through raw sockets.
 */
final class RoguePeer implements AutoCloseable {
    /** Transmissions of each handshake message before the rogue gives up (as an agent's initiator does). */
    private static final int TRANSMISSIONS = 5;
    private static final long ANSWER_WAIT_MS = 1000;
    private static final String SACIP_FILTER = "(icmp and icmp[0] == 253) or (icmp6 and ip6[40] == 200)";

    private final Lab lab;
    private final String host;
    private final PacketTap tap;
    private final SecureRandom random = new SecureRandom();
    private final Map<Boolean, RawIpSocket> sockets = new ConcurrentHashMap<>();
    /** Keys whose path challenges the rogue answers, by key id, with how many it answered. */
    private final Map<Octets, AtomicInteger> answering = new ConcurrentHashMap<>();
    private final Map<Octets, RogueKey> keys = new ConcurrentHashMap<>();
    /** Confirmations to repeat when the responder repeats its INIT_REPLY (it did not get ours), by reply. */
    private final Map<InitReply, Runnable> confirmations = new ConcurrentHashMap<>();

    private RoguePeer(Lab lab, String host, PacketTap tap) {
        this.lab = lab;
        this.host = host;
        this.tap = tap;
        tap.onPacket(this::react);
    }

    /** A rogue in the host, hearing every SACIP message that reaches it from now on. */
    static RoguePeer start(Lab lab, String host) {
        RoguePeer rogue = new RoguePeer(lab, host, PacketTap.start(lab, host, SACIP_FILTER));
        lab.onTeardown(rogue);
        return rogue;
    }

    /**
     * A first handshake from {@code local} (an address of the rogue's host) to the agent at {@code peer}, as
     * initiator, with a nonce that wins every tie-break against the agent's own handshake (PROTOCOL.md 6.5).
     */
    RogueKey handshake(InetAddress local, InetAddress peer) {
        byte[] nonce = new byte[FieldLengths.NONCE];
        random.nextBytes(nonce);
        java.util.Arrays.fill(nonce, 0, 8, (byte) 0xff);
        return handshake(local, peer, Octets.of(nonce));
    }

    /** As {@link #handshake(InetAddress, InetAddress)} with a chosen initiator nonce. */
    RogueKey handshake(InetAddress local, InetAddress peer, Octets nonce) {
        Started started = start(local, peer, nonce);
        InitiatorCompletion done;
        try {
            done = started.initiator().onInitReply(started.reply(), Arrival.icmp(SacipAddress.of(peer),
                    SacipAddress.of(local)));
        } catch (SacipProtocolException e) {
            throw new RogueException(RogueException.Reason.BAD_ANSWER, "INIT_REPLY from " + peer + ": "
                    + e.getMessage(), e);
        }
        Runnable confirm = () -> send(done.confirm(), local, peer);
        confirmations.put(started.reply(), confirm);
        confirm.run();
        RogueKey key = new RogueKey(done.keys(), Role.INITIATOR);
        keys.put(key.id(), key);
        return key;
    }

    /**
     * The first half of a handshake: HELLO, COOKIE, INIT, and the agent's INIT_REPLY, which the rogue never
     * confirms (the agent is left with a pending handshake).
     */
    InitReply beginHandshake(InetAddress local, InetAddress peer, Octets nonce) {
        return start(local, peer, nonce).reply();
    }

    /** An initiator and the INIT_REPLY that answered its INIT. */
    private record Started(HandshakeInitiator initiator, InitReply reply) {
    }

    private Started start(InetAddress local, InetAddress peer, Octets nonce) {
        SacipAddress from = SacipAddress.of(local);
        SacipAddress to = SacipAddress.of(peer);
        HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(from, to), nonce,
                EphemeralKeyPair.generate(random));
        CookieReply cookie = exchange(initiator.hello(), from, to, CookieReply.class,
                c -> c.initiatorNonce().equals(nonce), "COOKIE");
        SacipMessage init;
        try {
            init = initiator.onCookie(cookie);
        } catch (SacipProtocolException e) {
            throw new RogueException(RogueException.Reason.BAD_ANSWER, "COOKIE from " + to + ": " + e.getMessage(), e);
        }
        InitReply reply = exchange(init, from, to, InitReply.class, r -> r.initiatorNonce().equals(nonce),
                "INIT_REPLY");
        return new Started(initiator, reply);
    }

    /** Sends an ADDRESS_UPDATE "my session of {@code key} is now at {@code newLocal}" from there, once. */
    AddressUpdate sendUpdate(RogueKey key, long sequence, InetAddress newLocal, InetAddress peerCurrent) {
        AddressUpdate update = key.messages().update(sequence, new Envelope.Icmp(SacipAddress.of(newLocal),
                SacipAddress.of(peerCurrent)));
        send(update, newLocal, peerCurrent);
        return update;
    }

    /** From now on, every PATH_CHALLENGE under {@code key} is answered at once, from where it arrived. */
    void answerChallenges(RogueKey key) {
        keys.put(key.id(), key);
        answering.putIfAbsent(key.id(), new AtomicInteger());
    }

    /** From now on, challenges under {@code key} go unanswered. */
    void ignoreChallenges(RogueKey key) {
        answering.remove(key.id());
    }

    /** The path challenges under {@code key} answered so far. */
    int challengesAnswered(RogueKey key) {
        AtomicInteger count = answering.get(key.id());
        return count == null ? 0 : count.get();
    }

    /** The agent's UPDATE_ACK of the update with this key and sequence number, if one arrives within the limit. */
    Optional<UpdateAck> awaitAck(RogueKey key, long sequence, long limitMs) {
        try {
            return Optional.of(awaitMessage(UpdateAck.class, ack -> ack.keyId().equals(key.id())
                    && ack.sequence() == sequence, limitMs, "UPDATE_ACK of sequence " + sequence));
        } catch (LabException none) {
            return Optional.empty();
        }
    }

    /**
     * Sends a CLAIM under {@code key} asking the agent to bind {@code entries} (sessions between {@code holder}, the
     * rogue's address as the sessions know it, and {@code peer}, the agent's), from {@code from} to {@code to},
     * once; the claim number is the caller's (it rises per lineage).
     */
    SentClaim claim(RogueKey key, long claimNumber, InetAddress holder, InetAddress peer, List<ClaimEntry> entries,
            InetAddress from, InetAddress to) {
        SentClaim sent = new ClaimMessages(key.keys(), key.role()).claim(claimNumber, SacipAddress.of(holder),
                SacipAddress.of(peer), entries, new Envelope.Icmp(SacipAddress.of(from), SacipAddress.of(to)));
        sendIcmp(sent.encode(), from, to);
        return sent;
    }

    /**
     * Claims until the agent's reply says more than "not yet seen" (it may not know a session the moment it opens),
     * each claim with the next number, within the limit; the last verifying CLAIM_REPLY, if any came.
     */
    Optional<ClaimReply> claimUntilSeen(RogueKey key, long firstClaimNumber, InetAddress holder, InetAddress peer,
            List<ClaimEntry> entries, InetAddress from, InetAddress to, long limitMs) {
        long deadline = System.currentTimeMillis() + limitMs;
        long number = firstClaimNumber;
        Optional<ClaimReply> reply = Optional.empty();
        while (System.currentTimeMillis() < deadline) {
            SentClaim sent = claim(key, number, holder, peer, entries, from, to);
            reply = awaitClaimReply(key, sent, Math.min(ANSWER_WAIT_MS, Math.max(1, deadline
                    - System.currentTimeMillis())));
            if (reply.isPresent() && reply.get().entries().stream()
                    .noneMatch(entry -> entry.verdict() == ClaimVerdict.NOT_YET_SEEN)) {
                return reply;
            }
            number++;
            Waits.pause(200);
        }
        return reply;
    }

    /** The agent's CLAIM_REPLY to {@code sent}, verified under the key, if one arrives within the limit. */
    Optional<ClaimReply> awaitClaimReply(RogueKey key, SentClaim sent, long limitMs) {
        ClaimVerifier verifier = new ClaimVerifier(key.keys(), key.role());
        try {
            CapturedPacket packet = tap.await(p -> inbound(p).flatMap(SacipPacket::decoded)
                    .filter(ClaimReply.class::isInstance).map(ClaimReply.class::cast)
                    .filter(reply -> reply.claimNumber() == sent.claim().claimNumber()
                            && verifies(verifier, reply, sent, p)).isPresent(), limitMs,
                    "CLAIM_REPLY to claim " + sent.claim().claimNumber());
            return SacipPacket.of(packet).flatMap(SacipPacket::decoded).map(ClaimReply.class::cast);
        } catch (LabException none) {
            return Optional.empty();
        }
    }

    private static boolean verifies(ClaimVerifier verifier, ClaimReply reply, SentClaim sent, CapturedPacket packet) {
        try {
            verifier.verifyReply(reply, sent, Arrival.icmp(SacipAddress.of(packet.source()),
                    SacipAddress.of(packet.destination())));
            return true;
        } catch (SacipProtocolException e) {
            return false;
        }
    }

    /** A PATH_CHALLENGE under {@code key} from {@code from} to {@code to}, signed as the agent would sign one. */
    PathChallenge challenge(RogueKey key, InetAddress from, InetAddress to) {
        return ReachabilityCheck.start(key.keys(), key.role(), new Envelope.Icmp(SacipAddress.of(from),
                SacipAddress.of(to)), random)
                .challenge();
    }

    /** Sends any message from {@code from} to {@code to} (the rogue may not hold {@code from}). */
    void send(SacipMessage message, InetAddress from, InetAddress to) {
        sendIcmp(SacipEncoder.encode(message, SacipAddress.of(from), SacipAddress.of(to)), from, to);
    }

    /** Sends ICMP octets as they are (checksum recomputed for the outer addresses). */
    void sendIcmp(byte[] icmp, InetAddress from, InetAddress to) {
        if (!socket(from instanceof Inet6Address).send(IpPackets.icmp(from, to, icmp))) {
            throw new RogueException(RogueException.Reason.IO, "the kernel refused a packet from " + from + " to " + to);
        }
    }

    /** The first inbound SACIP message of the type that matches, already heard or still to come. */
    <M extends SacipMessage> M awaitMessage(Class<M> type, Predicate<M> match, long limitMs, String what) {
        CapturedPacket packet = tap.await(p -> inbound(p).flatMap(SacipPacket::decoded).filter(type::isInstance)
                .map(type::cast).filter(match).isPresent(), limitMs, what + " for the rogue in " + host);
        return type.cast(SacipPacket.of(packet).flatMap(SacipPacket::decoded).orElseThrow());
    }

    /** Every SACIP message that reached the rogue's host so far. */
    List<SacipPacket> received() {
        return tap.packets().stream().map(RoguePeer::inbound).flatMap(Optional::stream).toList();
    }

    /** The tap the rogue hears with (for a test's own waits). */
    PacketTap tap() {
        return tap;
    }

    private <M extends SacipMessage> M exchange(SacipMessage request, SacipAddress from, SacipAddress to,
            Class<M> answer, Predicate<M> match, String what) {
        for (int i = 0; i < TRANSMISSIONS; i++) {
            send(request, from.toInetAddress(), to.toInetAddress());
            try {
                return awaitMessage(answer, m -> match.test(m), ANSWER_WAIT_MS, what);
            } catch (LabException notYet) {
                // Retransmit, as an agent would.
            }
        }
        throw new RogueException(RogueException.Reason.NO_ANSWER, "no " + what + " from " + to + " to " + from
                + " after " + TRANSMISSIONS + " transmissions of " + request.kind());
    }

    /** On the tap's thread: answer challenges of the keys the test wants answered, repeat confirmations. */
    private void react(CapturedPacket packet) {
        Optional<SacipPacket> sacip = inbound(packet);
        Optional<SacipMessage> message = sacip.flatMap(SacipPacket::decoded);
        if (message.isEmpty()) {
            return;
        }
        if (message.get() instanceof PathChallenge challenge && answering.containsKey(challenge.keyId())) {
            RogueKey key = keys.get(challenge.keyId());
            try {
                PathResponse response = ReachabilityCheck.answer(challenge, key.keys(), key.role(),
                        Arrival.icmp(sacip.get().source(), sacip.get().destination()));
                send(response, packet.destination(), packet.source());
                answering.get(challenge.keyId()).incrementAndGet();
            } catch (SacipProtocolException | RuntimeException e) {
                // Not ours to answer after all (a challenge that does not verify): an agent drops it too.
            }
        } else if (message.get() instanceof InitReply reply && confirmations.containsKey(reply)) {
            confirmations.get(reply).run();
        }
    }

    private static Optional<SacipPacket> inbound(CapturedPacket packet) {
        return packet.direction() == CapturedPacket.Direction.INBOUND ? SacipPacket.of(packet) : Optional.empty();
    }

    private RawIpSocket socket(boolean ipv6) {
        return sockets.computeIfAbsent(ipv6, v6 -> {
            try {
                return RawIpSocket.open(lab.ns(host), v6);
            } catch (NetlinkException e) {
                throw new RogueException(RogueException.Reason.IO, "cannot open a raw socket in " + host + ": "
                        + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        tap.stop();
        sockets.values().forEach(RawIpSocket::close);
        sockets.clear();
    }

    @Override
    public String toString() {
        return "rogue peer in " + host;
    }
}
