package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelRole;

/**
 * Two engines with their agent ports open, A behind a NAT (MemoryLink's: SACIP ICMP from A is lost, its UDP leaves
 * from the NAT's public endpoint): A's handshake, started for a connection it opened, gets no COOKIE over ICMP and
 * goes over UDP 250 ms after its first HELLO (PROTOCOL.md 13.9); the lineage is bound to A's own address on both
 * sides, each side's path is the other's endpoint as observed, each knows who is behind the NAT, and A's claim and
 * B's reply travel over UDP.
 */
class UdpThroughNatTest extends TwoEngines {
    private static final SacipAddress NAT_PUBLIC = SacipAddress.parse("198.19.255.1");

    @Override
    UdpSettings udp() {
        return new UdpSettings(MemoryLink.AGENT_PORT, UdpSettings.DEFAULT_KEEPALIVE);
    }

    @BeforeEach
    void natInFrontOfA() {
        link.nat(A0, NAT_PUBLIC);
    }

    /** A TCP connection A opened to B through the NAT: A knows it as A0:40000, B as from 198.19.255.1:62000. */
    private SessionTuple connectThroughNat() {
        SessionTuple atA = tuple(A0, 40000, B0, 22);
        SessionTuple atB = tuple(B0, 22, NAT_PUBLIC, 62000);
        a.sessionsOpened(List.of(new SessionOpened(atA, Opener.LOCAL, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(0x1111), isn(0x2222))), loop.now())), false);
        b.sessionsOpened(List.of(new SessionOpened(atB, Opener.REMOTE, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(0x2222), isn(0x1111))), loop.now())), false);
        return atA;
    }

    @Test
    void aHandshakeThatGetsNoCookieOverIcmpGoesOverUdpAndBindsAsOwnAddress() throws Exception {
        connectThroughNat();
        loop.advance(Duration.ofMillis(200));
        assertEquals(0, link.sent(MessageKind.HELLO).stream().filter(MemoryLink.Packet::overUdp).count(),
                "over ICMP first");
        assertTrue(lineages(a).isEmpty());
        loop.advance(Duration.ofMillis(100));
        assertEquals(1, link.sent(MessageKind.HELLO).stream().filter(MemoryLink.Packet::overUdp).count(),
                "then over UDP, at 250 ms");
        List<AssociationView> atA = lineages(a);
        List<AssociationView> atB = lineages(b);
        assertEquals(1, atA.size(), "A's lineage");
        assertEquals(1, atB.size(), "B's lineage");
        assertEquals(atA.get(0).keyId(), atB.get(0).keyId());
        assertEquals(A0, atB.get(0).peerOriginal(), "B bound it to A's own address, not the NAT's");
        Association aSide = a.association(atA.get(0).lineage()).orElseThrow();
        Association bSide = b.association(atB.get(0).lineage()).orElseThrow();
        assertEquals(new UdpEndpoint(B0, MemoryLink.AGENT_PORT), aSide.udpPeer);
        assertEquals(new UdpEndpoint(NAT_PUBLIC, MemoryLink.NAT_PORT), bSide.udpPeer, "B's path is A's mapping");
        assertTrue(aSide.localBehindNat && !aSide.peerBehindNat, "A knows it is behind the NAT");
        assertTrue(bSide.peerBehindNat && !bSide.localBehindNat, "B knows A is");
        assertEquals("local", lineages(a).get(0).nat(), "as the control socket says it");
        assertEquals(Optional.of(new UdpEndpoint(NAT_PUBLIC, MemoryLink.NAT_PORT)), lineages(b).get(0).udpPeer());
        assertEquals("peer", lineages(b).get(0).nat());
        assertTrue(link.sent(MessageKind.CLAIM).stream().allMatch(MemoryLink.Packet::overUdp), "claims over UDP");
        assertFalse(link.sent(MessageKind.CLAIM_REPLY).isEmpty(), "B answered the claim");
        assertTrue(link.sent(MessageKind.CLAIM_REPLY).stream().allMatch(p -> p.overUdp()
                && p.to().equals(NAT_PUBLIC) && p.udpPort() == MemoryLink.NAT_PORT), "to A's mapping");
        assertEquals(0, b.drops().total());
    }

    @Test
    void aKeyAgreedOverUdpGetsBothDataPlanesReadyForATunnel() throws Exception {
        RecordingTunnelPort tunnelA = carriedBy(a);
        RecordingTunnelPort tunnelB = carriedBy(b);
        connectThroughNat();
        loop.advance(Duration.ofMillis(300));
        assertEquals(1, lineages(a).size(), "agreed over UDP");
        assertEquals(1, tunnelA.prepared, "A, behind the NAT");
        assertEquals(1, tunnelB.prepared, "B, whose peer is behind it");
    }

    @Test
    void aKeyAgreedOverIcmpGetsNoDataPlaneReadyForATunnel() throws Exception {
        RecordingTunnelPort tunnelA = carriedBy(a);
        RecordingTunnelPort tunnelB = carriedBy(b);
        link.nat(null, null);
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(1, lineages(a).size(), "agreed over ICMP");
        assertEquals(null, a.association(lineages(a).get(0).lineage()).orElseThrow().udpPeer);
        assertEquals(0, tunnelA.prepared, "an ICMP path takes no tunnel");
        assertEquals(0, tunnelB.prepared);
    }

    /** A recording tunnel port, given to {@code engine}. */
    private static RecordingTunnelPort carriedBy(PeerProtocol engine) {
        RecordingTunnelPort port = new RecordingTunnelPort();
        engine.carryThrough(port);
        return port;
    }

    @Test
    void aSessionThroughTheNatIsFoundByItsProofAndBothSidesKnowTheTranslation() throws Exception {
        SessionTuple atA = connectThroughNat();
        SessionTuple atB = tuple(B0, 22, NAT_PUBLIC, 62000);
        // Another host behind the same NAT, with another mapping to the same port of B: never A's to take.
        b.sessionsOpened(List.of(new SessionOpened(tuple(B0, 22, NAT_PUBLIC, 62001), Opener.REMOTE,
                Optional.of(new OpeningProof(SessionProtocol.TCP, isn(0x3333), isn(0x4444))), loop.now())), false);
        loop.advance(Duration.ofMillis(300));
        Octets lineage = lineages(b).get(0).lineage();
        assertEquals(Optional.of(lineage), this.atB.lineageOf(atB), "bound at B");
        assertEquals(Optional.of(lineage), this.atA.lineageOf(atA), "A read BOUND");
        assertEquals(Optional.empty(), this.atB.lineageOf(tuple(B0, 22, NAT_PUBLIC, 62001)), "the neighbour's stays");
        assertEquals(Optional.of(new Endpoint(A0.toInetAddress(), 40000)), this.atB.peerOwn.get(atB),
                "B's data path knows A's own endpoint");
        b.publishViewNow();
        a.publishViewNow();
        assertEquals(Map.of(atB, new Endpoint(A0.toInetAddress(), 40000)), b.view().peerOwn());
        assertEquals(Map.of(atA, new Endpoint(NAT_PUBLIC.toInetAddress(), 62000)), a.view().ourPublic(),
                "A knows how B's socket sees it");
        assertEquals(62000, claimReplyEntries().get(0).seenHolderPort());
        assertEquals(0, a.drops().total() + b.drops().total());
    }

    @Test
    void aRestartOfThePeerKeepsWhatTheNatTranslated() throws Exception {
        connectThroughNat();
        SessionTuple atB = tuple(B0, 22, NAT_PUBLIC, 62000);
        // (The state is written shortly after a change.)
        loop.advance(Duration.ofSeconds(1));
        RecordingHandover handover = new RecordingHandover();
        PeerProtocol again = open(handover, stateB);
        link.own(B0, again);
        b = again;
        again.sessionsOpened(List.of(new SessionOpened(atB, Opener.REMOTE, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(0x2222), isn(0x1111))), loop.now())), true);
        loop.runReady();
        assertEquals(Optional.of(new Endpoint(A0.toInetAddress(), 40000)), handover.peerOwn.get(atB),
                "the restored binding still knows A's own endpoint");
        again.publishViewNow();
        assertEquals(Map.of(atB, new Endpoint(A0.toInetAddress(), 40000)), again.view().peerOwn());
    }

    @Test
    void aSessionWhoseRecordMatchesNoneThroughTheNatIsUnmatchedAndTouchesNothing() throws Exception {
        // A middlebox rewrote B's view of the sequence numbers: B's record is not A's.
        SessionTuple atA = tuple(A0, 40000, B0, 22);
        a.sessionsOpened(List.of(new SessionOpened(atA, Opener.LOCAL, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(0x1111), isn(0x2222))), loop.now())), false);
        b.sessionsOpened(List.of(new SessionOpened(tuple(B0, 22, NAT_PUBLIC, 62000), Opener.REMOTE,
                Optional.of(new OpeningProof(SessionProtocol.TCP, isn(0x2222), isn(0x9999))), loop.now())), false);
        loop.advance(Claims.NOT_YET_SEEN_RETRY.multipliedBy(Claims.NOT_YET_SEEN_TRIES + 4));
        assertEquals(Optional.empty(), this.atA.lineageOf(atA));
        assertEquals(Optional.empty(), this.atB.lineageOf(tuple(B0, 22, NAT_PUBLIC, 62000)));
        assertEquals("unmatched", this.atA.why.get(atA), "sacipctl sessions says why");
        a.publishViewNow();
        assertEquals("unmatched", a.view().unbound().get(atA));
    }

    @Test
    void aSessionWithoutARecordCannotBeMatchedThroughTheNat() throws Exception {
        SessionTuple atA = tuple(A0, 40000, B0, 22);
        a.sessionsOpened(List.of(new SessionOpened(atA, Opener.LOCAL, Optional.empty(), loop.now())), false);
        b.sessionsOpened(List.of(new SessionOpened(tuple(B0, 22, NAT_PUBLIC, 62000), Opener.REMOTE,
                Optional.of(new OpeningProof(SessionProtocol.TCP, isn(0x2222), isn(0x1111))), loop.now())), false);
        loop.advance(Duration.ofSeconds(1));
        assertEquals("unmatched", this.atA.why.get(atA), "answered at once, not after the retries");
        assertEquals(Optional.empty(), this.atB.lineageOf(tuple(B0, 22, NAT_PUBLIC, 62000)));
    }

    @Test
    void aPeerThatLeavesItsNatForADirectAddressIsFollowed() throws Exception {
        SessionTuple atA = connectThroughNat();
        loop.advance(Duration.ofMillis(300));
        link.clear();
        // A1 is a direct address: nothing translates it.
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(A1, lineages(b).get(0).peerCurrent(), "B follows A to A1");
        assertEquals(A1, lineages(a).get(0).localConfirmed(), "and acknowledged it");
        assertEquals(Optional.of(new UdpEndpoint(A1, MemoryLink.AGENT_PORT)), lineages(b).get(0).udpPeer());
        assertEquals("none", lineages(b).get(0).nat(), "A is no longer behind a NAT");
        assertEquals("none", lineages(a).get(0).nat());
        assertEquals(Optional.of(new Endpoint(A0.toInetAddress(), 40000)),
                this.atB.peerOwn.get(tuple(B0, 22, NAT_PUBLIC, 62000)), "the data path rewrites to A's own port");
        assertTrue(this.atA.lineageOf(atA).isPresent());
        assertEquals(0, b.drops().count(DropReason.BEHIND_NAT));
        assertEquals(0, a.drops().total() + b.drops().total());
    }

    @Test
    void onceANatStoodBetweenThemTheNextHandshakeGoesOverUdpAloneAndAtOnce() throws Exception {
        SessionTuple first = connectThroughNat();
        loop.advance(Duration.ofMillis(300));
        a.sessionsEnded(List.of(first));
        b.sessionsEnded(List.of(tuple(B0, 22, NAT_PUBLIC, 62000)));
        loop.advance(limits().keyIdleKeep().plusSeconds(30));
        assertTrue(lineages(a).isEmpty(), "the idle key is erased");
        link.clear();
        SessionTuple second = tuple(A0, 40001, B0, 22);
        a.sessionsOpened(List.of(new SessionOpened(second, Opener.LOCAL, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(0x5555), isn(0x6666))), loop.now())), false);
        b.sessionsOpened(List.of(new SessionOpened(tuple(B0, 22, NAT_PUBLIC, 62002), Opener.REMOTE,
                Optional.of(new OpeningProof(SessionProtocol.TCP, isn(0x6666), isn(0x5555))), loop.now())), false);
        loop.advance(Duration.ofMillis(50));
        assertEquals(0, link.sent(MessageKind.HELLO).stream().filter(p -> !p.overUdp()).count(), "no ICMP HELLO");
        assertEquals(1, lineages(a).size(), "agreed over UDP well before 250 ms");
        assertEquals(Optional.of(lineages(a).get(0).lineage()), atA.lineageOf(second), "and the session bound");
    }

    /**
     * Both engines with tunnel ports; a session A opened directly to B; then A moves to A1, behind the NAT. Returns
     * A's session.
     */
    /**
     * The engine at {@code address} restarted from {@code state} (kill -9 included: the state is written as it
     * changes), in the agent's order: its session, found again in the kernel, then its tunnel data plane.
     */
    private PeerProtocol restartedWithItsSession(Path state, SacipAddress address, RecordingTunnelPort tunnel,
            SessionOpened session) throws Exception {
        PeerProtocol again = open(new RecordingHandover(), state);
        link.own(address, again);
        again.sessionsOpened(List.of(session), true);
        again.carryThrough(tunnel);
        return again;
    }

    private SessionTuple moveBehindTheNat(RecordingTunnelPort tunnelA, RecordingTunnelPort tunnelB) {
        a.carryThrough(tunnelA);
        b.carryThrough(tunnelB);
        link.nat(null, null);
        SessionTuple atA = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        link.nat(A1, NAT_PUBLIC);
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(2));
        return atA;
    }

    @Test
    void aTunnelOpenForALineageWhosePathIsIcmpIsRefused() throws Exception {
        RecordingTunnelPort tunnelB = new RecordingTunnelPort();
        b.carryThrough(tunnelB);
        link.nat(null, null);
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        Association atA = a.association(lineages(a).get(0).lineage()).orElseThrow();
        assertEquals(null, atA.udpPeer, "an ICMP path");
        UdpEnvelope envelope = new UdpEnvelope(new UdpEndpoint(A0, MemoryLink.AGENT_PORT),
                new UdpEndpoint(B0, MemoryLink.AGENT_PORT));
        org.sacip.protocol.tunnel.TunnelHandshake open = org.sacip.protocol.tunnel.TunnelHandshake.open(
                atA.keys.current.keys, atA.keys.current.role, envelope, new java.security.SecureRandom());
        link.clear();
        link.injectUdp(A0, MemoryLink.AGENT_PORT, B0, MemoryLink.AGENT_PORT, envelope.encode(open.message()));
        loop.runReady();
        assertEquals(List.of(), tunnelB.started, "no tunnel");
        assertEquals(0, link.count(MessageKind.TUNNEL_ACCEPT));
        assertEquals(1, b.drops().total(), "dropped and counted");
    }

    /**
     * PROTOCOL.md 15.2: an OPEN under a key the accepter does not hold (it lost the lineage, or the key was made up)
     * is answered REFUSAL UNKNOWN_KEY, echoing the key id and the first 8 octets of the opener nonce, and smaller than
     * the OPEN; the opener learns at once that a new first handshake must come first.
     */
    @Test
    void aTunnelOpenUnderAKeyTheAccepterDoesNotHoldIsRefusedUnknownKey() throws Exception {
        b.carryThrough(new RecordingTunnelPort());
        link.nat(null, null);
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        java.security.SecureRandom random = new java.security.SecureRandom();
        org.sacip.protocol.handshake.SessionKeys lost = new org.sacip.protocol.handshake.SessionKeys(
                randomOctets(random, 8), randomOctets(random, 32), randomOctets(random, 32), randomOctets(random, 32),
                A0, B0);
        UdpEnvelope envelope = new UdpEnvelope(new UdpEndpoint(A0, MemoryLink.AGENT_PORT),
                new UdpEndpoint(B0, MemoryLink.AGENT_PORT));
        org.sacip.protocol.message.TunnelOpen open = org.sacip.protocol.tunnel.TunnelHandshake.open(lost,
                org.sacip.protocol.handshake.Role.INITIATOR, envelope, random).message();
        byte[] payload = envelope.encode(open);
        link.clear();
        link.injectUdp(A0, MemoryLink.AGENT_PORT, B0, MemoryLink.AGENT_PORT, payload);
        loop.runReady();
        List<MemoryLink.Packet> refusals = link.sent(MessageKind.REFUSAL);
        assertEquals(1, refusals.size(), "refused: " + link.sent());
        org.sacip.protocol.message.Refusal refusal = (org.sacip.protocol.message.Refusal) UdpDecoder.decode(
                refusals.get(0).icmp(), refusals.get(0).from(), refusals.get(0).to()).message();
        assertEquals(org.sacip.protocol.message.RefusalReason.UNKNOWN_KEY, refusal.reason());
        byte[] echo = new byte[16];
        System.arraycopy(lost.keyId().toByteArray(), 0, echo, 0, 8);
        System.arraycopy(open.openerNonce().toByteArray(), 0, echo, 8, 8);
        assertEquals(Octets.of(echo), refusal.echo(), "key id and the opener nonce's first 8 octets");
        assertTrue(refusals.get(0).icmp().length < payload.length, "no amplification");
    }

    private static Octets randomOctets(java.security.SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return Octets.of(bytes);
    }

    private List<ClaimReplyEntry> claimReplyEntries() throws Exception {
        MemoryLink.Packet reply = link.sent(MessageKind.CLAIM_REPLY).get(0);
        return ((ClaimReply) UdpDecoder.decode(reply.icmp(), reply.from(), reply.to()).message()).entries();
    }

    @Test
    void aHandshakeAnsweredOverIcmpInTimeNeverGoesOverUdp() throws Exception {
        link.nat(null, null);
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(2));
        assertEquals(1, lineages(a).size());
        assertTrue(link.sent().stream().noneMatch(MemoryLink.Packet::overUdp), "nothing over UDP");
        assertEquals(null, a.association(lineages(a).get(0).lineage()).orElseThrow().udpPeer, "an ICMP path");
    }

    @Test
    void behindTheNatKeepalivesRefreshTheMappingAndUnansweredOnesAreReported() throws Exception {
        connectThroughNat();
        loop.advance(Duration.ofMillis(300));
        AssociationView atA = lineages(a).get(0);
        Association aSide = a.association(atA.lineage()).orElseThrow();
        link.clear();
        loop.advance(UdpSettings.DEFAULT_KEEPALIVE);
        assertEquals(1, link.sent(MessageKind.PATH_CHALLENGE).size(), "A's keepalive");
        assertTrue(link.sent(MessageKind.PATH_CHALLENGE).get(0).overUdp());
        assertEquals(1, link.sent(MessageKind.PATH_RESPONSE).size(), "B answered it");
        assertTrue(aSide.keepaliveAnswered != null
                && aSide.keepaliveAnswered.isAfter(loop.now().minus(UdpSettings.DEFAULT_KEEPALIVE)), "answer recorded");
        assertEquals(0, link.sent(MessageKind.PATH_CHALLENGE).stream().filter(p -> p.from().equals(B0)).count(),
                "B, not behind a NAT, sends none");

        // B's answers stop coming back (a firewall in front of B's agent port, say).
        link.lose(p -> p.kind() == MessageKind.PATH_RESPONSE.code());
        loop.advance(UdpSettings.DEFAULT_KEEPALIVE.multipliedBy(Keepalives.UNANSWERED + 1));
        assertTrue(lineages(a).get(0).keepaliveUnanswered(), "reported unanswered");
        link.lose(p -> false);
        loop.advance(UdpSettings.DEFAULT_KEEPALIVE);
        assertFalse(lineages(a).get(0).keepaliveUnanswered(), "answered again");
        assertEquals(0, a.drops().total() + b.drops().total());
    }

    @Test
    void bothTransportsRaceAndBothInitReplysComeOneLineageAndNoDrop() throws Exception {
        link.nat(null, null);
        // Both COOKIEs and both INIT_REPLYs are held, then released together: B has two pending handshakes for
        // A's one nonce, one per transport (13.6); A completes with the first reply and ignores the other.
        link.hold(p -> p.kind() == MessageKind.COOKIE.code());
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(300));
        link.hold(p -> p.kind() == MessageKind.INIT_REPLY.code());
        link.release();
        loop.runReady();
        assertEquals(2, link.count(MessageKind.INIT), "one INIT per transport's cookie");
        link.hold(p -> p.kind() == MessageKind.INIT_REPLY.code());
        link.release();
        loop.advance(Duration.ofSeconds(2));
        assertTrue(link.count(MessageKind.INIT_REPLY) >= 2, "both answered (the unconfirmed one retransmitted)");
        assertEquals(1, lineages(a).size());
        assertEquals(1, lineages(b).size());
        assertEquals(0, a.drops().total() + b.drops().total());
    }

    @Test
    void aCookieOverIcmpLateLetsBothTransportsRunAndOneLineageComesOfIt() throws Exception {
        link.nat(null, null);
        // B's COOKIE over ICMP is held on the wire past 250 ms, so A's HELLO goes over UDP too; the handshake
        // completes over UDP, and the ICMP COOKIE that comes last changes nothing.
        link.hold(p -> p.kind() == MessageKind.COOKIE.code() && !p.overUdp());
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(300));
        assertEquals(1, lineages(a).size(), "agreed over UDP");
        link.release();
        loop.advance(Duration.ofSeconds(2));
        assertEquals(1, link.count(MessageKind.INIT));
        assertEquals(1, lineages(a).size());
        assertEquals(1, lineages(b).size());
        assertEquals(lineages(a).get(0).keyId(), lineages(b).get(0).keyId());
        assertEquals(0, a.drops().total() + b.drops().total(), "the losing transport's reply is no drop");
    }

    @Test
    void afterTheNatRebindsTheNewEndpointIsCheckedBeforeItIsAnswered() throws Exception {
        connectThroughNat();
        loop.advance(Duration.ofMillis(300));
        Association bSide = b.association(lineages(b).get(0).lineage()).orElseThrow();
        link.rebind(61500);
        link.clear();
        // A's next request (a claim retried, or a keepalive) comes from the new mapping: B's first word to that
        // endpoint is a challenge, and its path follows once A answered it.
        loop.advance(UdpSettings.DEFAULT_KEEPALIVE);
        List<MemoryLink.Packet> toNewEndpoint = link.sent().stream()
                .filter(p -> p.from().equals(B0) && p.udpPort() == 61500).toList();
        assertFalse(toNewEndpoint.isEmpty());
        assertEquals(MessageKind.PATH_CHALLENGE.code(), toNewEndpoint.get(0).kind(), "B checks the new endpoint first");
        assertEquals(new UdpEndpoint(NAT_PUBLIC, 61500), bSide.udpPeer, "A answered: B's path follows");
        // The keepalive that drew the challenge is not answered; the next one is, on the new path.
        loop.advance(UdpSettings.DEFAULT_KEEPALIVE);
        assertTrue(link.sent(MessageKind.PATH_RESPONSE).stream().anyMatch(p -> p.from().equals(B0)
                && p.udpPort() == 61500), "A's keepalive is answered there");
        assertTrue(link.sent().stream().noneMatch(p -> p.from().equals(B0) && p.udpPort() == MemoryLink.NAT_PORT),
                "nothing more to the old mapping");
        assertEquals(0, a.drops().total() + b.drops().total());
    }

    @Test
    void aClaimReplayedFromAnotherEndpointDrawsOnlyAChallengeThere() throws Exception {
        connectThroughNat();
        loop.advance(Duration.ofMillis(300));
        Association bSide = b.association(lineages(b).get(0).lineage()).orElseThrow();
        MemoryLink.Packet claim = link.sent(MessageKind.CLAIM).get(0);
        link.clear();
        link.injectUdp(MALLORY, 9999, B0, MemoryLink.AGENT_PORT, claim.icmp());
        loop.runReady();
        assertEquals(0, link.count(MessageKind.CLAIM_REPLY), "no reply to the replayed claim");
        assertEquals(1, link.count(MessageKind.PATH_CHALLENGE), "one challenge to where it came from");
        MemoryLink.Packet challenge = link.sent(MessageKind.PATH_CHALLENGE).get(0);
        assertEquals(MALLORY, challenge.to());
        assertTrue(challenge.icmp().length <= claim.icmp().length, "no more octets than the claim");
        assertEquals(new UdpEndpoint(NAT_PUBLIC, MemoryLink.NAT_PORT), bSide.udpPeer, "the path stays");
    }

    @Test
    void aRestartKeepsTheUdpPathAndTheKeepalives() throws Exception {
        SessionTuple session = connectThroughNat();
        loop.advance(Duration.ofSeconds(1));
        AssociationView before = lineages(a).get(0);
        // A restarts (kill -9 included: the state is written as it changes) with its session still there.
        PeerProtocol again = open(new RecordingHandover(), stateA);
        link.own(A0, again);
        a = again;
        again.sessionsOpened(List.of(new SessionOpened(session, Opener.LOCAL, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(0x1111), isn(0x2222))), loop.now())), true);
        loop.runReady();
        AssociationView after = lineages(again).get(0);
        assertEquals(before.keyId(), after.keyId());
        assertEquals(Optional.of(new UdpEndpoint(B0, MemoryLink.AGENT_PORT)), after.udpPeer(), "still over UDP");
        assertEquals("local", after.nat());
        link.clear();
        loop.advance(UdpSettings.DEFAULT_KEEPALIVE);
        assertTrue(link.sent(MessageKind.PATH_CHALLENGE).stream().anyMatch(p -> p.from().equals(A0) && p.overUdp()),
                "keepalives go on");
        assertTrue(link.sent(MessageKind.PATH_RESPONSE).stream().anyMatch(p -> p.from().equals(B0)),
                "and are answered");
    }


    @Test
    void aMoveBehindANatIsAnnouncedOverUdpAndNotFollowed() throws Exception {
        link.nat(null, null);
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        // A's new address A1 is behind a NAT: ICMP from it is lost, UDP leaves from the NAT's endpoint. B could
        // only rewrite the session to A1, which no packet reaches: it does not follow, and A keeps A0.
        link.nat(A1, NAT_PUBLIC);
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(2));
        assertTrue(link.sent(MessageKind.ADDRESS_UPDATE).stream().anyMatch(MemoryLink.Packet::overUdp),
                "the update went over UDP once ICMP was unanswered");
        assertTrue(b.drops().count(DropReason.BEHIND_NAT) >= 1, "B saw it came through a NAT");
        assertEquals(0, link.count(MessageKind.UPDATE_ACK));
        assertEquals(0, link.count(MessageKind.PATH_CHALLENGE), "nothing to check");
        assertEquals(A0, lineages(a).get(0).localConfirmed(), "A's move is not confirmed");
        assertEquals(A0, lineages(b).get(0).peerCurrent(), "B keeps A's old address");
    }

    @Test
    void aMoveBehindANatIsFollowedThroughATunnelBothHostsHoldTheKeysOf() throws Exception {
        RecordingTunnelPort tunnelA = new RecordingTunnelPort();
        RecordingTunnelPort tunnelB = new RecordingTunnelPort();
        moveBehindTheNat(tunnelA, tunnelB);
        assertEquals(0, b.drops().count(DropReason.BEHIND_NAT), "followed: B has a tunnel to carry the sessions");
        assertEquals(A1, lineages(b).get(0).peerCurrent());
        assertEquals(A1, lineages(a).get(0).localConfirmed());
        assertTrue(link.sent(MessageKind.TUNNEL_OPEN).stream().allMatch(p -> p.overUdp() && p.from().equals(A1)),
                "A, behind the NAT, opens over UDP");
        assertEquals(1, link.count(MessageKind.TUNNEL_ACCEPT), "B accepts");
        RecordingTunnelPort.Started opener = tunnelA.last();
        RecordingTunnelPort.Started accepter = tunnelB.last();
        assertEquals(opener.keys(), accepter.keys(), "the same keys on both sides");
        assertEquals(TunnelRole.OPENER, opener.role());
        assertEquals(TunnelRole.ACCEPTER, accepter.role());
        assertEquals(new UdpEndpoint(B0, MemoryLink.AGENT_PORT), opener.peer());
        assertEquals(new UdpEndpoint(NAT_PUBLIC, MemoryLink.NAT_PORT), accepter.peer(), "to A's NAT mapping");
        assertTrue(lineages(a).get(0).tunnelUp(), "the opener's tunnel is up at the accept");
        assertFalse(lineages(b).get(0).tunnelUp(), "the accepter's waits for a datagram under the new keys");
        b.tunnelConfirmed(accepter.lineage(), accepter.keys().tunnelId());
        loop.runReady();
        assertTrue(lineages(b).get(0).tunnelUp());
        assertTrue(atB.lineageWithPeer(A0).tunnelUp(), "the handover carries the sessions");
        assertEquals(0, a.drops().total() + b.drops().total());
    }

    @Test
    void anOpenUnansweredThroughAllItsTransmissionsIsTriedAgainAMinuteLater() throws Exception {
        RecordingTunnelPort tunnelA = new RecordingTunnelPort();
        RecordingTunnelPort tunnelB = new RecordingTunnelPort();
        link.lose(packet -> packet.kind() == MessageKind.TUNNEL_OPEN.code());
        moveBehindTheNat(tunnelA, tunnelB);
        // 8 transmissions from 250 ms doubling to 8 s, jittered: given up within 35 s.
        loop.advance(Duration.ofSeconds(40));
        long sent = link.count(MessageKind.TUNNEL_OPEN);
        assertEquals(RetransmitPolicy.TUNNEL_OPEN.transmissions(), sent, "every transmission, unanswered");
        link.lose(packet -> false);
        // Nothing forces an attempt in the pause: not a datagram of an unknown tunnel either.
        a.unknownTunnel(new UdpEndpoint(B0, MemoryLink.AGENT_PORT));
        loop.advance(Tunnels.RETRY_PAUSE.minusSeconds(20));
        assertEquals(sent, link.count(MessageKind.TUNNEL_OPEN), "paused");
        assertFalse(lineages(a).get(0).tunnelUp());
        loop.advance(Duration.ofSeconds(21));
        assertEquals(sent + 1, link.count(MessageKind.TUNNEL_OPEN), "the next attempt");
        assertTrue(lineages(a).get(0).tunnelUp(), "answered this time");
    }

    @Test
    void aRenewedKeyGetsANewTunnelUnderIt() throws Exception {
        RecordingTunnelPort tunnelA = new RecordingTunnelPort();
        RecordingTunnelPort tunnelB = new RecordingTunnelPort();
        moveBehindTheNat(tunnelA, tunnelB);
        Octets firstKey = lineages(a).get(0).keyId();
        int opened = tunnelA.started.size();
        loop.advance(KeyLifetime.INITIATOR_RENEWAL.plus(KeyLifetime.INITIATOR_SPREAD).plusMinutes(1));
        assertNotEquals(firstKey, lineages(a).get(0).keyId(), "the key was renewed");
        assertTrue(tunnelA.started.size() > opened, "a new tunnel");
        assertEquals(tunnelA.last().keys(), tunnelB.last().keys());
        MemoryLink.Packet open = link.sent(MessageKind.TUNNEL_OPEN).get(link.sent(MessageKind.TUNNEL_OPEN).size() - 1);
        assertEquals(lineages(a).get(0).keyId(), ((org.sacip.protocol.message.TunnelOpen) UdpDecoder.decode(
                open.icmp(), open.from(), open.to()).message()).keyId(), "opened under the new key");
    }

    @Test
    void aPeerThatLostItsTunnelInARestartOpensANewOne() throws Exception {
        RecordingTunnelPort tunnelA = new RecordingTunnelPort();
        SessionTuple atA = moveBehindTheNat(tunnelA, new RecordingTunnelPort());
        TunnelKeys first = tunnelA.last().keys();
        // B restarts (kill -9 included): tunnel keys are never saved. Once its session is bound again it opens a
        // new tunnel, with fresh keys, to A's NAT mapping.
        RecordingTunnelPort tunnelB = new RecordingTunnelPort();
        SessionTuple atB = tuple(B0, 22, A0, atA.local().port());
        PeerProtocol again = restartedWithItsSession(stateB, B0, tunnelB,
                new SessionOpened(atB, Opener.REMOTE, Optional.empty(), loop.now()));
        b = again;
        loop.advance(Duration.ofSeconds(1));
        assertEquals(TunnelRole.OPENER, tunnelB.last().role(), "B opened");
        assertEquals(tunnelB.last().keys(), tunnelA.last().keys(), "A accepted");
        assertNotEquals(first, tunnelB.last().keys(), "fresh keys");
        assertEquals(new UdpEndpoint(NAT_PUBLIC, MemoryLink.NAT_PORT), tunnelB.last().peer());
        int tunnels = tunnelB.started.size();
        again.unknownTunnel(new UdpEndpoint(MALLORY, 9999));
        loop.advance(Duration.ofSeconds(2));
        assertEquals(tunnels, tunnelB.started.size(), "nothing for an endpoint that is no lineage's path");
    }

    @Test
    void aHostBackHomeWhoseSessionsWereCarriedOpensANewTunnelAfterItsRestart() throws Exception {
        RecordingTunnelPort tunnelB = new RecordingTunnelPort();
        SessionTuple atA = moveBehindTheNat(new RecordingTunnelPort(), tunnelB);
        // A comes back to A0, no NAT in between: its sessions stay in the tunnel (once carried, always carried).
        link.nat(null, null);
        a.announceMove(A0, A0);
        loop.advance(Duration.ofSeconds(2));
        assertEquals(A0, lineages(a).get(0).localConfirmed(), "back home");
        assertEquals("none", lineages(a).get(0).nat(), "and translated no more");
        assertTrue(lineages(a).get(0).tunnelUp(), "still carried");
        TunnelKeys before = tunnelB.last().keys();
        // A restarts (kill -9 included): its tunnel keys are gone, and nothing translates it to call for a tunnel.
        // Its state file says the lineage was carried: once its session is bound again it opens a new one.
        RecordingTunnelPort tunnelA = new RecordingTunnelPort();
        PeerProtocol again = restartedWithItsSession(stateA, A0, tunnelA,
                new SessionOpened(atA, Opener.LOCAL, Optional.empty(), loop.now()));
        a = again;
        loop.advance(Duration.ofSeconds(1));
        assertEquals(1, tunnelA.started.size(), "A opened a tunnel: " + tunnelA.started);
        assertEquals(TunnelRole.OPENER, tunnelA.last().role());
        assertEquals(tunnelA.last().keys(), tunnelB.last().keys(), "B accepted it");
        assertNotEquals(before, tunnelA.last().keys(), "fresh keys");
        assertTrue(lineages(again).get(0).tunnelUp(), "carried again");
        assertEquals(0, again.drops().total() + b.drops().total());
    }

    @Test
    void aHostBackHomeThatLostItsTunnelOpensANewOneWhenThePeerSendsThroughTheOldOne() throws Exception {
        RecordingTunnelPort tunnelB = new RecordingTunnelPort();
        moveBehindTheNat(new RecordingTunnelPort(), tunnelB);
        link.nat(null, null);
        a.announceMove(A0, A0);
        loop.advance(Duration.ofSeconds(2));
        assertTrue(lineages(a).get(0).tunnelUp(), "back home, still carried");
        // A restarts and has not found its session again yet; B, which kept its tunnel, sends through it.
        RecordingTunnelPort tunnelA = new RecordingTunnelPort();
        PeerProtocol again = open(new RecordingHandover(), stateA);
        link.own(A0, again);
        again.carryThrough(tunnelA);
        a = again;
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), tunnelA.started, "no session bound yet: nothing to carry");
        again.unknownTunnel(new UdpEndpoint(B0, MemoryLink.AGENT_PORT));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(1, tunnelA.started.size(), "A opened a tunnel: " + tunnelA.started);
        assertEquals(tunnelA.last().keys(), tunnelB.last().keys(), "B accepted it");
    }

    @Test
    void aLineageNeverCarriedGetsNoTunnelAfterARestart() throws Exception {
        RecordingTunnelPort tunnelB = new RecordingTunnelPort();
        b.carryThrough(tunnelB);
        SessionTuple session = connectThroughNat();
        loop.advance(Duration.ofSeconds(1));
        RecordingTunnelPort tunnelA = new RecordingTunnelPort();
        PeerProtocol again = restartedWithItsSession(stateA, A0, tunnelA, new SessionOpened(session, Opener.LOCAL,
                Optional.of(new OpeningProof(SessionProtocol.TCP, isn(0x1111), isn(0x2222))), loop.now()));
        a = again;
        loop.advance(Duration.ofSeconds(2));
        assertEquals("local", lineages(again).get(0).nat(), "behind its NAT from the start, never moved");
        assertEquals(List.of(), tunnelA.started, "no tunnel: its sessions were never carried");
        assertEquals(0, link.count(MessageKind.TUNNEL_OPEN));
    }

    @Test
    void anUpdateWhoseIcmpCheckCannotReachTheNewAddressIsCheckedWhereItsUdpCopyCameFrom() throws Exception {
        link.nat(null, null);
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        // A firewall in front of A1 drops SACIP's ICMP towards it; UDP passes both ways, untranslated.
        link.lose(p -> !p.overUdp() && p.to().equals(A1));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(200));
        assertTrue(link.sent(MessageKind.PATH_CHALLENGE).stream().anyMatch(p -> !p.overUdp() && p.to().equals(A1)),
                "B's first check went over ICMP, which does not reach A1");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(A1, lineages(a).get(0).localConfirmed(), "the UDP copy's check passed");
        assertEquals(Optional.of(new UdpEndpoint(A1, MemoryLink.AGENT_PORT)), lineages(b).get(0).udpPeer(),
                "B's path is UDP to A1 now");
        assertEquals(Optional.of(new UdpEndpoint(B0, MemoryLink.AGENT_PORT)), lineages(a).get(0).udpPeer());
        assertEquals("none", lineages(a).get(0).nat());
        assertEquals(0, a.drops().total() + b.drops().total());
    }
}
