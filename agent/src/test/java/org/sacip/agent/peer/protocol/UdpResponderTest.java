package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * The engine as responder over UDP (PROTOCOL.md section 13) to a host behind a NAT, played here with the codec: each
 * answer goes to the endpoint the NAT showed, from B's agent port, in the envelope the rules of 13.3 give, and the
 * lineage is bound to the address the initiator stated, not the NAT's.
 */
class UdpResponderTest extends TwoEngines {
    private static final UdpEndpoint C = UdpEndpoint.of("198.18.3.1", 40000);
    private static final UdpEndpoint C_PUBLIC = UdpEndpoint.of("198.19.255.1", 61000);
    private static final UdpEndpoint NEIGHBOUR_PUBLIC = UdpEndpoint.of("198.19.255.1", 61001);
    private static final UdpEndpoint B = new UdpEndpoint(B0, MemoryLink.AGENT_PORT);

    private void fromNat(UdpEndpoint mapping, byte[] payload) {
        link.injectUdp(mapping.address(), mapping.port(), B0, B.port(), payload);
        loop.runReady();
    }

    /** The one packet B sent of {@code kind}, decoded as C's socket receives it behind the NAT. */
    private UdpDatagram lastSent(MessageKind kind) throws Exception {
        List<MemoryLink.Packet> sent = link.sent(kind);
        MemoryLink.Packet packet = sent.get(sent.size() - 1);
        assertTrue(packet.overUdp(), kind + " over UDP");
        assertEquals(B0, packet.from());
        assertEquals(C_PUBLIC.address(), packet.to(), kind + " to the NAT's public address");
        assertEquals(C_PUBLIC.port(), packet.udpPort(), kind + " to the NAT's public port");
        return UdpDecoder.decode(packet.icmp(), B0, C.address());
    }

    @Test
    void aHandshakeFromBehindANatIsAnsweredAtTheNatsEndpointAndBindsTheStatedAddress() throws Exception {
        HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(C.address(), B0), new SecureRandom());
        UdpEnvelope fromC = new UdpEnvelope(C, B);
        fromNat(C_PUBLIC, fromC.encode(initiator.hello()));
        UdpDatagram cookie = lastSent(MessageKind.COOKIE);
        assertTrue(link.sent(MessageKind.COOKIE).get(0).answer(), "a COOKIE never resolves a next hop");
        assertEquals(new UdpEnvelope(B, C_PUBLIC), cookie.envelope(), "stated: B's agent port to C's mapping");
        assertEquals(link.sent(MessageKind.COOKIE).get(0).icmp().length, fromC.encode(initiator.hello()).length,
                "no larger than the HELLO");

        fromNat(C_PUBLIC, fromC.encode(initiator.onCookie((CookieReply) cookie.message())));
        UdpDatagram reply = lastSent(MessageKind.INIT_REPLY);
        Arrival atC = new Arrival.Udp(reply.envelope(), B, C);
        InitiatorCompletion done = initiator.onInitReply((InitReply) reply.message(), atC);
        fromNat(C_PUBLIC, atC.answer().encode(done.confirm()));

        List<AssociationView> atB = lineages(b);
        assertEquals(1, atB.size(), "B installed the lineage");
        assertEquals(done.keys().keyId(), atB.get(0).keyId(), "with the key C derived");
        assertEquals(C.address(), atB.get(0).peerOriginal(), "bound to C's own address, not the NAT's");
        assertEquals(0, b.drops().total());
    }

    @Test
    void theNeighbourBehindTheSameNatCannotUseItsCookie() throws Exception {
        HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(C.address(), B0), new SecureRandom());
        UdpEnvelope fromC = new UdpEnvelope(C, B);
        fromNat(C_PUBLIC, fromC.encode(initiator.hello()));
        CookieReply cookie = (CookieReply) lastSent(MessageKind.COOKIE).message();
        fromNat(NEIGHBOUR_PUBLIC, fromC.encode(initiator.onCookie(cookie)));
        loop.advance(Duration.ofMillis(10));
        assertEquals(0, link.count(MessageKind.INIT_REPLY), "no state for an INIT whose cookie is another's");
        assertEquals(1, b.drops().count(DropReason.BAD_COOKIE));
        assertTrue(lineages(b).isEmpty());
    }

    @Test
    void aMalformedDatagramIsDroppedWithoutAnswer() {
        fromNat(C_PUBLIC, new byte[] {'S', 'A', 'C', 'U', 1, 1, 0, 0});
        assertEquals(1, b.drops().count(DropReason.MALFORMED));
        assertEquals(0, link.sent().size());
    }

    @Test
    void aDatagramFromAPortThatCannotBeAnEndpointIsDropped() {
        link.injectUdp(SacipAddress.parse("198.19.255.1"), 0, B0, B.port(), new UdpEnvelope(C, B).encode(
                HandshakeInitiator.first(new AddressPair(C.address(), B0), new SecureRandom()).hello()));
        loop.runReady();
        assertEquals(1, b.drops().count(DropReason.MALFORMED));
        assertEquals(0, link.sent().size());
    }
}
