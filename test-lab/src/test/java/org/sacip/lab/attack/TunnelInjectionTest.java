package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.handover.RoamingWithAgents;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.netlink.NetlinkException;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.tunnel.DataDatagram;
import org.sacip.testing.Eventually;

/**
 * Issue 13, attacks on a session carried through the tunnel (docs/PROTOCOL.md 15.5, 15.7, 15.8), against real
 * agents. A moves from behind R's NAT on its first uplink to behind R's NAT on its second (one public address for
 * both, as in {@link SharedNatClaimsTest}), its verified stream to B goes through the tunnel, and B captures the
 * tunnel's datagrams. Three senders then attack B's agent port: E spoofing the NAT's public endpoint that A's tunnel
 * comes from (E's link has no ingress filter), E from its own address (off-path), and M, a host behind the same NAT
 * (its datagrams leave through R's masquerade). Each sends captured datagrams replayed as they were and B's own
 * datagrams reflected back, captured ones mutated (a ciphertext or tag bit, the counter, the reserved octets, a
 * counter past the limit, truncated, the tunnel id) and forged ones (a random tunnel id; the real one with a fresh
 * counter and random octets). E also replays B's datagrams to A through the NAT in B's name.
 *
 * <p>Nothing gets in: B counts each as REJECTED or UNKNOWN_TUNNEL (A likewise), B never delivers more packets than
 * A sealed, the stream goes on with nothing lost or corrupted (a forged counter far ahead would have moved the
 * replay window and made A's real datagrams too old), B keeps the path A's tunnel came from and sends its
 * datagrams nowhere else, and answers none of them (no TUNNEL_OPEN either: its tunnel is current). Packets that open
 * but carry a session not bound to the tunnel's lineage need the tunnel's keys: the agent's own
 * TunnelDataPlaneIntegrationTest covers them (NOT_BOUND).
 */
class TunnelInjectionTest {
    private static final int AGENT_PORT = 4253;
    private static final int CAPTURED = 12;
    private static final int REPLAYED = 5;
    private static final int REFLECTED = 2;
    /** Far ahead of any real counter, still below 2^60: a window that moved to it would refuse A's datagrams. */
    private static final long FAR_AHEAD = 1L << 40;
    private static final Duration STATE_LIMIT = Duration.ofSeconds(15);
    private static final long CAPTURE_LIMIT_MS = 15_000;

    /** Who sends, from which source address and port. */
    private record Attacker(String name, RawIpSocket socket, InetAddress source, int port) {
        void send(byte[] payload, InetAddress to, int toPort) {
            if (!socket.send(IpPackets.udp(source, port, to, toPort, payload))) {
                throw new AssertionError("the kernel refused " + name + "'s datagram");
            }
        }
    }

    /** The forgeries aimed at B, each with the counter of B's data plane it must land in. */
    private record Forged(String what, byte[] payload, String counter) {
    }

    @Test
    void replayedMutatedAndForgedTunnelDatagramsGetNothingInAndRedirectNothing() throws NetlinkException {
        Family family = Family.IPV4;
        try (RoamingWithAgents lab = new RoamingWithAgents(family, TopologyKind.ATTACKERS, List.of("a", "b"))) {
            lab.strictNat(false, 1, 2);
            lab.protectB();
            InetAddress nat = Addresses.of(family, 10, 1);
            // E stands for an attacker anywhere between the NAT and B. Its packets to B must not meet R's own
            // conntrack, which would give one from the NAT's endpoint another port (that endpoint's reply tuple is
            // the NAT's mapping), nor R's martian check (the NAT's address is R's own).
            lab.lab.sysctl("r", "net.ipv4.conf.re.accept_local", "1");
            lab.lab.run("r", "nft", "add table ip labspoof; "
                    + "add chain ip labspoof pre { type filter hook prerouting priority raw; }; "
                    + "add rule ip labspoof pre iifname re ip daddr " + Addresses.text(lab.b) + " notrack");
            InetAddress e = Addresses.of(family, 20, 2);
            InetAddress m = Addresses.of(family, 1, 66);
            VerifiedStream stream = lab.openStream();
            lab.awaitSessionAtA(stream, "bound to a key", RoamingWithAgents::bound);
            PacketTap atB = PacketTap.start(lab.lab, "b", "udp port " + AGENT_PORT);
            Predicate<JsonNode> carried = row -> "encapsulated".equals(row.path("path").asText());
            lab.move(MoveKind.MAKE_BEFORE_BREAK, () -> lab.awaitSessionAtA(stream, "carried through the tunnel",
                    carried::test));
            String own = Addresses.endpoint(lab.x, stream.clientPort());
            AgentControl controlB = lab.agents.control("b");
            JsonNode row = Eventually.await(STATE_LIMIT, () -> AgentFacts.sessions(controlB).stream()
                    .filter(r -> r.path("peer_own").asText().equals(own)).findFirst().orElse(null),
                    r -> r != null && carried.test(r), () -> "B carries A's session: " + lab.sessions() + "\nB's log:\n"
                            + lab.logOf("b"));

            // Real datagrams both ways, from the capture at B: A's come from the NAT's endpoint of the tunnel.
            CapturedPacket last = atB.awaitNth(p -> p.direction() == CapturedPacket.Direction.INBOUND
                    && isData(p.udpPayload()) && p.source().equals(nat), CAPTURED, CAPTURE_LIMIT_MS,
                    CAPTURED + " data datagrams from A through the NAT");
            int pathPort = last.sourcePort();
            String path = Addresses.endpoint(nat, pathPort);
            List<byte[]> fromA = payloads(atB, p -> p.direction() == CapturedPacket.Direction.INBOUND
                    && p.source().equals(nat) && p.sourcePort() == pathPort);
            List<byte[]> fromB = payloads(atB, p -> p.direction() == CapturedPacket.Direction.OUTBOUND
                    && p.destination().equals(nat) && p.destinationPort() == pathPort);
            assertTrue(fromB.size() >= REPLAYED, "B sealed datagrams to A's tunnel endpoint " + path + ": " + fromB
                    .size());
            String lineage = row.path("key").asText();
            assertEquals(path, AgentFacts.peerEndpoint(controlB, lineage), "B's path of A's lineage");

            List<Forged> forgeries = forgeries(fromA.subList(fromA.size() - REPLAYED, fromA.size()),
                    fromB.subList(fromB.size() - REFLECTED, fromB.size()));
            long rejectedForAll = forgeries.stream().filter(f -> f.counter().equals("rejected")).count();
            long unknownForAll = forgeries.size() - rejectedForAll;
            Map<String, Long> beforeB = tunnelCounters(controlB);
            AgentControl controlA = lab.agents.control("a");
            Map<String, Long> beforeA = tunnelCounters(controlA);
            long attackStart = System.currentTimeMillis() * 1000;
            List<Attacker> attackers;
            try (RawIpSocket fromE = RawIpSocket.open(lab.lab.ns("e"));
                    RawIpSocket fromM = RawIpSocket.open(lab.lab.ns("m"))) {
                attackers = List.of(new Attacker("E as the NAT's endpoint of A's tunnel", fromE, nat, pathPort),
                        new Attacker("E (off-path)", fromE, e, AGENT_PORT),
                        new Attacker("M (behind the same NAT)", fromM, m, AGENT_PORT));
                for (Attacker attacker : attackers) {
                    forgeries.forEach(f -> attacker.send(f.payload(), lab.b, AGENT_PORT));
                }
                // Towards A, through the NAT's mapping of A's tunnel, in B's name: B's own datagrams again, one
                // with a counter far ahead, one of an unknown tunnel.
                Attacker asB = new Attacker("E as B", fromE, lab.b, AGENT_PORT);
                List<byte[]> toA = new ArrayList<>(fromB.subList(fromB.size() - REPLAYED, fromB.size()));
                toA.add(Forgeries.withLong(fromB.get(fromB.size() - 1), 16, FAR_AHEAD));
                toA.forEach(datagram -> asB.send(datagram, nat, pathPort));
                asB.send(new Forgeries().dataDatagram(tunnelId(fromB.get(0)) ^ 1, 0, 80), nat, pathPort);
            }
            long rejectedAtB = beforeB.get("tunnel_dropped_rejected") + attackers.size() * rejectedForAll;
            long unknownAtB = beforeB.get("tunnel_dropped_unknown_tunnel") + attackers.size() * unknownForAll;
            Map<String, Long> afterB = Eventually.await(STATE_LIMIT, () -> tunnelCounters(controlB),
                    c -> c.get("tunnel_dropped_rejected") >= rejectedAtB
                            && c.get("tunnel_dropped_unknown_tunnel") >= unknownAtB,
                    () -> "B counts every forgery: " + tunnelCounters(controlB) + ", before " + beforeB);
            Map<String, Long> afterA = Eventually.await(STATE_LIMIT, () -> tunnelCounters(controlA),
                    c -> c.get("tunnel_dropped_rejected") >= beforeA.get("tunnel_dropped_rejected") + REPLAYED + 1
                            && c.get("tunnel_dropped_unknown_tunnel") > beforeA.get("tunnel_dropped_unknown_tunnel"),
                    () -> "A counts every forgery: " + tunnelCounters(controlA) + ", before " + beforeA);
            boolean flowing = stream.awaitFlowing(STATE_LIMIT);
            String endpointAfter = AgentFacts.peerEndpoint(controlB, lineage);
            atB.sync(lab.b);
            List<CapturedPacket> sent = atB.packets().stream().filter(p -> p.micros() >= attackStart
                    && p.direction() == CapturedPacket.Direction.OUTBOUND && p.sourcePort() == AGENT_PORT).toList();
            Set<String> sentTo = new TreeSet<>();
            sent.forEach(p -> sentTo.add(Addresses.endpoint(p.destination(), p.destinationPort())));
            // The spoofed copies reached B from exactly the endpoint A's tunnel comes from.
            long fromPath = atB.packets().stream().filter(p -> p.micros() >= attackStart
                    && p.direction() == CapturedPacket.Direction.INBOUND && p.source().equals(nat)
                    && p.sourcePort() == pathPort && forgeries.stream().anyMatch(f -> Arrays.equals(f.payload(),
                    p.udpPayload()))).count();
            long opens = sent.stream().filter(p -> SacipPacket.udpKind(p).filter(MessageKind.TUNNEL_OPEN::equals)
                    .isPresent()).count();
            String sessions = lab.sessions();
            StreamFigures figures = stream.finish();
            Map<String, Long> endB = tunnelCounters(controlB);
            Map<String, Long> endA = tunnelCounters(controlA);
            String report = String.format("tunnel injection: %d forgeries from each of %s to B (%s), %d to A;"
                    + " B's tunnel counters %s -> %s, A's %s -> %s; at the end B %s, A %s; B sent from its agent"
                    + " port to %s (path %s, after %s), %d TUNNEL_OPENs; stream %s, lost %d, corrupted %d, longest"
                    + " gap %d ms%n%s", forgeries.size(), attackers.stream().map(Attacker::name).toList(),
                    forgeries.stream().map(Forged::what).toList(), REPLAYED + 2, beforeB, afterB, beforeA, afterA,
                    endB, endA, sentTo, path, endpointAfter, opens, figures.verdict().label(), figures.bytesLost(),
                    figures.bytesCorrupted(), figures.maxGapMs(), sessions);
            System.out.println(report);
            String logs = report + "\nA's log:\n" + lab.logOf("a") + "\nB's log:\n" + lab.logOf("b");
            assertAll(
                    () -> assertEquals(forgeries.size(), fromPath, "forgeries from A's tunnel endpoint: " + logs),
                    () -> assertEquals(rejectedAtB, afterB.get("tunnel_dropped_rejected"), logs),
                    () -> assertEquals(unknownAtB, afterB.get("tunnel_dropped_unknown_tunnel"), logs),
                    () -> assertEquals(beforeA.get("tunnel_dropped_rejected") + REPLAYED + 1,
                            afterA.get("tunnel_dropped_rejected"), logs),
                    () -> assertEquals(beforeA.get("tunnel_dropped_unknown_tunnel") + 1,
                            afterA.get("tunnel_dropped_unknown_tunnel"), logs),
                    () -> assertEquals(beforeB.get("tunnel_dropped_not_bound"), endB.get("tunnel_dropped_not_bound"),
                            logs),
                    () -> assertTrue(endB.get("tunnel_packets_in") <= endA.get("tunnel_packets_out"),
                            "B delivered more packets than A sealed: " + logs),
                    () -> assertTrue(endA.get("tunnel_packets_in") <= endB.get("tunnel_packets_out"),
                            "A delivered more packets than B sealed: " + logs),
                    () -> assertEquals(path, endpointAfter, "B's path of A's lineage: " + logs),
                    () -> assertEquals(Set.of(path), sentTo, "B's agent port sent elsewhere: " + logs),
                    () -> assertEquals(0, opens, "TUNNEL_OPENs from B: " + logs),
                    () -> assertTrue(flowing, "the stream flows after the attack: " + logs),
                    () -> assertEquals("survived", figures.verdict().label(), logs),
                    () -> assertEquals(0, figures.bytesLost(), logs),
                    () -> assertEquals(0, figures.bytesCorrupted(), logs));
        }
    }

    /**
     * What each attacker sends B: A's datagrams replayed and B's reflected (REJECTED: the replay window, the other
     * direction's key), mutated ones (REJECTED: the tag, the framing, the counter limit, the length; UNKNOWN_TUNNEL:
     * the tunnel id) and forged ones.
     */
    private static List<Forged> forgeries(List<byte[]> fromA, List<byte[]> fromB) {
        List<Forged> forged = new ArrayList<>();
        fromA.forEach(d -> forged.add(new Forged("A's replayed", d, "rejected")));
        fromB.forEach(d -> forged.add(new Forged("B's reflected", d, "rejected")));
        byte[] newest = fromA.get(fromA.size() - 1);
        long id = tunnelId(newest);
        byte[] ahead = Forgeries.withLong(newest, 16, FAR_AHEAD);
        forged.add(new Forged("counter far ahead", ahead, "rejected"));
        forged.add(new Forged("ciphertext bit, counter ahead", Forgeries.flipped(ahead, DataDatagram.HEADER_LENGTH),
                "rejected"));
        forged.add(new Forged("tag bit, counter ahead", Forgeries.flipped(ahead, ahead.length - 1), "rejected"));
        forged.add(new Forged("reserved octet", Forgeries.flipped(ahead, 7), "rejected"));
        forged.add(new Forged("counter at 2^60", Forgeries.withLong(newest, 16, DataDatagram.COUNTER_LIMIT),
                "rejected"));
        forged.add(new Forged("header only", Arrays.copyOf(ahead, DataDatagram.HEADER_LENGTH), "rejected"));
        forged.add(new Forged("plaintext of 10 octets", Arrays.copyOf(ahead, DataDatagram.OVERHEAD + 10),
                "rejected"));
        forged.add(new Forged("tunnel id changed", Forgeries.withLong(newest, 8, id ^ 1), "unknown"));
        Forgeries forge = new Forgeries();
        forged.add(new Forged("random tunnel id", forge.dataDatagram(tunnelId(forge.octets(24).toByteArray()), 0,
                100), "unknown"));
        forged.add(new Forged("real id, random octets", forge.dataDatagram(id, FAR_AHEAD + 1, 100), "rejected"));
        return forged;
    }

    private static Map<String, Long> tunnelCounters(AgentControl control) {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String name : List.of("tunnel_packets_out", "tunnel_packets_in", "tunnel_dropped_rejected",
                "tunnel_dropped_unknown_tunnel", "tunnel_dropped_not_bound")) {
            counters.put(name, AgentFacts.udpCounter(control, name));
        }
        return counters;
    }

    private static List<byte[]> payloads(PacketTap tap, Predicate<CapturedPacket> match) {
        return tap.packets().stream().filter(match).map(CapturedPacket::udpPayload)
                .filter(TunnelInjectionTest::isData).toList();
    }

    private static boolean isData(byte[] payload) {
        return DataDatagram.isData(ByteBuffer.wrap(payload));
    }

    private static long tunnelId(byte[] datagram) {
        return DataDatagram.tunnelId(ByteBuffer.wrap(datagram));
    }
}
