package org.sacip.lab.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.claim.ClaimMessages;
import org.sacip.protocol.claim.ClaimVerifier;
import org.sacip.protocol.claim.SentClaim;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEncoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * {@link RoguePeer}'s counterpart over UDP (docs/PROTOCOL.md section 13), for hosts whose SACIP ICMP a NAT stops: a
 * UDP socket of its own in a lab host (not the agent port, which the host's agent may hold), stating its own endpoint
 * as a host behind a NAT does. It completes a real first handshake with an agent from there (its key is bound to
 * the host's own address, as the host's agent's would be), then sends claims of whatever the test asks; it reads
 * every datagram that reaches its socket, and repeats its INIT_CONFIRM when the agent repeats its INIT_REPLY.
 */
final class UdpRogue implements AutoCloseable {
    private static final int TRANSMISSIONS = 5;
    private static final long ANSWER_WAIT_MS = 1000;

    /** A datagram the rogue's socket received, decoded, and how it arrived. */
    record Received(UdpDatagram datagram, Arrival.Udp arrival) {
        SacipMessage message() {
            return datagram.message();
        }
    }

    private final DatagramChannel channel;
    private final UdpEndpoint local;
    private final SecureRandom random = new SecureRandom();
    private final List<Received> received = new ArrayList<>();
    private final Map<InitReply, Runnable> confirmations = new ConcurrentHashMap<>();
    private final Thread reader;

    private UdpRogue(DatagramChannel channel, UdpEndpoint local) {
        this.channel = channel;
        this.local = local;
        this.reader = new Thread(this::read, "udp-rogue-" + local);
        this.reader.setDaemon(true);
    }

    /** A rogue on {@code local}, an address of {@code host} and a free port. */
    static UdpRogue open(Lab lab, String host, InetSocketAddress local) {
        try {
            DatagramChannel channel = NetNamespace.named(lab.ns(host)).call(() -> {
                DatagramChannel made = DatagramChannel.open(ProtocolFamilies.of(local.getAddress()));
                made.bind(local);
                return made;
            });
            UdpRogue rogue = new UdpRogue(channel, new UdpEndpoint(SacipAddress.of(local.getAddress()),
                    local.getPort()));
            lab.onTeardown(rogue);
            rogue.reader.start();
            return rogue;
        } catch (NetlinkException e) {
            throw new LabException("cannot bind UDP " + local + " in " + host + ": " + e.getMessage(), e);
        }
    }

    UdpEndpoint local() {
        return local;
    }

    /** A first handshake with the agent port {@code peer}, as initiator, over UDP alone. */
    RogueKey handshake(UdpEndpoint peer) {
        HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(local.address(), peer.address()),
                new Forgeries().octets(FieldLengths.NONCE),
                EphemeralKeyPair.generate(random));
        Received cookie = exchange(initiator.hello(), peer, r -> r.message() instanceof CookieReply c
                && c.initiatorNonce().equals(initiator.nonce()), "COOKIE");
        SacipMessage init;
        try {
            init = initiator.onCookie((CookieReply) cookie.message());
        } catch (SacipProtocolException e) {
            throw new RogueException(RogueException.Reason.BAD_ANSWER, "COOKIE from " + peer + ": " + e.getMessage(),
                    e);
        }
        Received reply = exchange(init, peer, r -> r.message() instanceof InitReply i
                && i.initiatorNonce().equals(initiator.nonce()), "INIT_REPLY");
        InitiatorCompletion done;
        try {
            done = initiator.onInitReply((InitReply) reply.message(), reply.arrival());
        } catch (SacipProtocolException e) {
            throw new RogueException(RogueException.Reason.BAD_ANSWER, "INIT_REPLY from " + peer + ": "
                    + e.getMessage(), e);
        }
        byte[] confirm = UdpEncoder.encode(done.confirm(), (UdpEnvelope) reply.arrival().answer());
        Runnable send = () -> send(confirm, peer);
        confirmations.put((InitReply) reply.message(), send);
        send.run();
        return new RogueKey(done.keys(), Role.INITIATOR);
    }

    /**
     * Sends one CLAIM under {@code key} for {@code entries} (sessions between {@code holder} and {@code peerAddress}
     * as the claim states them) to {@code peer}, and returns the agent's CLAIM_REPLY, verified under the key, if one
     * comes within the limit. The claim numbers are the caller's.
     */
    Optional<ClaimReply> claim(RogueKey key, long claimNumber, SacipAddress holder, SacipAddress peerAddress,
            List<ClaimEntry> entries, UdpEndpoint peer, long limitMs) {
        SentClaim sent = new ClaimMessages(key.keys(), key.role()).claim(claimNumber, holder, peerAddress, entries,
                new UdpEnvelope(local, peer));
        send(sent.encode(), peer);
        ClaimVerifier verifier = new ClaimVerifier(key.keys(), key.role());
        return await(r -> r.message() instanceof ClaimReply reply && reply.claimNumber() == claimNumber
                && verifies(verifier, reply, sent, r.arrival()), limitMs).map(r -> (ClaimReply) r.message());
    }

    /** {@code message} as this rogue would send it to {@code peer}: a UDP payload stating its own endpoint. */
    byte[] encode(SacipMessage message, UdpEndpoint peer) {
        return UdpEncoder.encode(message, new UdpEnvelope(local, peer));
    }

    /** Every datagram the rogue's socket decoded so far. */
    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    private static boolean verifies(ClaimVerifier verifier, ClaimReply reply, SentClaim sent, Arrival arrival) {
        try {
            verifier.verifyReply(reply, sent, arrival);
            return true;
        } catch (SacipProtocolException e) {
            return false;
        }
    }

    private Received exchange(SacipMessage request, UdpEndpoint peer, Predicate<Received> answer, String what) {
        byte[] payload = encode(request, peer);
        for (int i = 0; i < TRANSMISSIONS; i++) {
            send(payload, peer);
            Optional<Received> got = await(answer, ANSWER_WAIT_MS);
            if (got.isPresent()) {
                return got.get();
            }
        }
        throw new RogueException(RogueException.Reason.NO_ANSWER, "no " + what + " from " + peer + " to " + local
                + " after " + TRANSMISSIONS + " transmissions of " + request.kind());
    }

    /** The first datagram, already received or still to come, that matches. */
    private synchronized Optional<Received> await(Predicate<Received> match, long limitMs) {
        long deadline = System.currentTimeMillis() + limitMs;
        int checked = 0;
        while (true) {
            for (; checked < received.size(); checked++) {
                if (match.test(received.get(checked))) {
                    return Optional.of(received.get(checked));
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return Optional.empty();
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for the agent's answer", e);
            }
        }
    }

    private void send(byte[] payload, UdpEndpoint to) {
        try {
            channel.send(ByteBuffer.wrap(payload), new InetSocketAddress(to.address().toInetAddress(), to.port()));
        } catch (IOException e) {
            throw new RogueException(RogueException.Reason.IO, "cannot send from " + local + " to " + to + ": "
                    + e.getMessage(), e);
        }
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        try {
            while (true) {
                buffer.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
                byte[] payload = Arrays.copyOf(buffer.array(), buffer.position());
                UdpEndpoint source = new UdpEndpoint(SacipAddress.of(from.getAddress()), from.getPort());
                Received got;
                try {
                    UdpDatagram datagram = UdpDecoder.decode(payload, source.address(), local.address());
                    got = new Received(datagram, new Arrival.Udp(datagram.envelope(), source, local));
                } catch (SacipCodecException | RuntimeException notSacip) {
                    continue;
                }
                if (got.message() instanceof InitReply reply && confirmations.containsKey(reply)) {
                    // The agent did not get our INIT_CONFIRM: it repeats its INIT_REPLY, we repeat the confirmation.
                    confirmations.get(reply).run();
                }
                synchronized (this) {
                    received.add(got);
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException closed) {
            // The rogue was closed (a send failure is the sender's to report).
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new LabException("cannot close the rogue's socket: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "UDP rogue at " + local;
    }
}
