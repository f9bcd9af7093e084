package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.claim.ClaimMessages;
import org.sacip.protocol.claim.ClaimProofs;
import org.sacip.protocol.claim.TcpSide;
import org.sacip.protocol.codec.UdpEncoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.move.MoveMessages;
import org.sacip.protocol.move.ReachabilityCheck;
import org.sacip.protocol.tunnel.TunnelHandshake;

/**
 * The agent port draws no amplification (docs/PROTOCOL.md 13.6, 13.10 and 15.8): it never answers an endpoint that
 * has not shown it receives with more octets than it got from there. E (off-path, no ingress filter) sends B's
 * agent port every kind of input that needs no key, each kind from a spoofed source of its own: HELLOs (one and
 * three), a truncated HELLO, one of another framing version, an INIT with a made-up cookie, an unsolicited COOKIE and
 * REFUSAL, a CLAIM, TUNNEL_OPEN, PATH_CHALLENGE and ADDRESS_UPDATE under keys nobody agreed, random octets after a
 * framing header, short junk, one octet, and data datagrams of tunnels nobody holds (ten, and an empty one). Then E
 * completes a handshake of its own from its address: once B answered that, it has handled all of the spoofed input
 * before it. From B's capture, for every spoofed source, what B sent there (any protocol) is no more than what came
 * from there (the ratio QUIC bounds by 3 is at most 1 here): a HELLO draws its COOKIE of the same size, a message
 * under an unknown key its smaller REFUSAL (section 9), and the data datagrams of unknown tunnels get nothing.
 */
class UdpAmplificationTest {
    private static final int AGENT_PORT = 4253;
    private static final int UNKNOWN_TUNNEL_DATAGRAMS = 10;

    /** One kind of input: the payloads one spoofed source sends, made for its stated endpoint. */
    private record Input(String what, Function<UdpEnvelope, List<byte[]>> payloads) {
    }

    @Test
    void unauthenticatedInputFromSpoofedSourcesDrawsNoMoreOctetsThanItHad() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress e = Addresses.of(family, 20, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("b"));
            assertTrue(agents.running(), agents.note());
            List<Input> inputs = inputs();
            SpoofedSources sources = SpoofedSources.from("198.19.3.1", inputs.size());
            PacketTap atB = PacketTap.start(lab, "b", "net 198.19.3.0/24");
            UdpEndpoint agentB = new UdpEndpoint(SacipAddress.of(b), AGENT_PORT);
            try (RawIpSocket fromE = RawIpSocket.open(lab.ns("e"))) {
                for (int i = 0; i < inputs.size(); i++) {
                    InetAddress source = sources.get(i);
                    int port = 40_000 + i;
                    UdpEnvelope stated = new UdpEnvelope(new UdpEndpoint(SacipAddress.of(source), port), agentB);
                    for (byte[] payload : inputs.get(i).payloads().apply(stated)) {
                        assertTrue(fromE.send(IpPackets.udp(source, port, b, AGENT_PORT, payload)),
                                "the kernel refused a spoofed datagram");
                    }
                }
            }
            // B's engine takes datagrams in order: its answers to a later handshake come after all of the above.
            UdpRogue.open(lab, "e", new InetSocketAddress(e, 4300)).handshake(agentB);
            atB.sync(b);
            atB.stop().requireComplete("B's traffic with the spoofed sources");
            TrafficLedger ledger = new TrafficLedger(atB.packets());

            Map<String, String> table = new LinkedHashMap<>();
            List<String> amplified = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                Tally in = ledger.receivedFrom(sources.get(i));
                Tally out = ledger.sentTo(sources.get(i));
                String what = inputs.get(i).what();
                table.put(what, in.octets() + " in, " + out.octets() + " out");
                if (out.octets() > in.octets()) {
                    amplified.add(what + ": " + in + " in, " + out + " out");
                }
            }
            String report = "UDP amplification at B's agent port (IP octets per spoofed source): " + table
                    + "\nB's status: " + agents.control("b").status();
            System.out.println(report);
            int hello = indexOf(inputs, "HELLO");
            int unknown = indexOf(inputs, UNKNOWN_TUNNEL_DATAGRAMS + " data datagrams of an unknown tunnel");
            List<String> refused = new ArrayList<>();
            for (String what : List.of("CLAIM", "TUNNEL_OPEN", "PATH_CHALLENGE", "ADDRESS_UPDATE")) {
                // Section 9: an authenticated message under an unknown key draws one REFUSAL UNKNOWN_KEY (a hint).
                Tally out = ledger.sentTo(sources.get(indexOf(inputs, what + " under an invented key")));
                if (out.packets() != 1) {
                    refused.add(what + ": " + out);
                }
            }
            assertAll(
                    () -> assertTrue(amplified.isEmpty(), "amplified: " + amplified + "\n" + report),
                    () -> assertEquals(List.of(), refused, "not refused once: " + report),
                    () -> assertEquals(ledger.receivedFrom(sources.get(hello)).octets(),
                            ledger.sentTo(sources.get(hello)).octets(), "a HELLO draws its COOKIE: " + report),
                    () -> assertEquals(Tally.NONE, ledger.sentTo(sources.get(unknown)), report),
                    () -> assertEquals(Tally.NONE, ledger.sentTo(sources.get(unknown + 1)), report));
        }
    }

    private static int indexOf(List<Input> inputs, String what) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).what().equals(what)) {
                return i;
            }
        }
        throw new IllegalArgumentException(what);
    }

    private static List<Input> inputs() {
        Forgeries forge = new Forgeries();
        SecureRandom random = new SecureRandom();
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input("HELLO", s -> List.of(encode(forge.hello(), s))));
        inputs.add(new Input("3 HELLOs", s -> List.of(encode(forge.hello(), s), encode(forge.hello(), s),
                encode(forge.hello(), s))));
        inputs.add(new Input("HELLO truncated", s -> List.of(Arrays.copyOf(encode(forge.hello(), s), 60))));
        inputs.add(new Input("HELLO of framing version 2", s -> {
            byte[] hello = encode(forge.hello(), s);
            hello[4] = 2;
            return List.of(hello);
        }));
        inputs.add(new Input("INIT with a made-up cookie", s -> List.of(encode(forge.initWithJunkCookie(), s))));
        inputs.add(new Input("unsolicited COOKIE", s -> List.of(encode(forge.junkCookie(
                forge.octets(FieldLengths.NONCE)), s))));
        inputs.add(new Input("REFUSAL", s -> List.of(encode(Forgeries.refusal(RefusalReason.UNKNOWN_KEY,
                forge.octets(FieldLengths.REFUSAL_ECHO)), s))));
        inputs.add(new Input("CLAIM under an invented key", s -> List.of(new ClaimMessages(keys(forge, s),
                Role.INITIATOR).claim(1, s.source(), s.destination(), List.of(ClaimEntry.tcp(40_000, 5101,
                ClaimProofs.tcpProof(random.nextInt(), random.nextInt(), TcpSide.CLIENT))), s).encode())));
        inputs.add(new Input("TUNNEL_OPEN under an invented key", s -> List.of(encode(TunnelHandshake.open(
                keys(forge, s), Role.INITIATOR, s, random).message(), s))));
        inputs.add(new Input("PATH_CHALLENGE under an invented key", s -> List.of(encode(ReachabilityCheck.start(
                keys(forge, s), Role.INITIATOR, s, random).challenge(), s))));
        inputs.add(new Input("ADDRESS_UPDATE under an invented key", s -> List.of(encode(new MoveMessages(
                keys(forge, s), Role.INITIATOR).update(1, s), s))));
        inputs.add(new Input("random octets after a framing header", s -> List.of(ByteBuffer.allocate(208)
                .put(new byte[] {'S', 'A', 'C', 'U', 1, 1, 0, 0}).put(forge.octets(200).toByteArray()).array())));
        inputs.add(new Input("10 octets of junk", s -> List.of(forge.octets(10).toByteArray())));
        inputs.add(new Input("one octet", s -> List.of(new byte[] {1})));
        inputs.add(new Input(UNKNOWN_TUNNEL_DATAGRAMS + " data datagrams of an unknown tunnel", s -> {
            long id = ByteBuffer.wrap(forge.octets(8).toByteArray()).getLong();
            List<byte[]> datagrams = new ArrayList<>();
            for (int i = 0; i < UNKNOWN_TUNNEL_DATAGRAMS; i++) {
                datagrams.add(forge.dataDatagram(id, i, 100));
            }
            return datagrams;
        }));
        inputs.add(new Input("an empty data datagram of an unknown tunnel", s -> List.of(forge.dataDatagram(
                ByteBuffer.wrap(forge.octets(8).toByteArray()).getLong(), 0, 16))));
        return inputs;
    }

    private static SessionKeys keys(Forgeries forge, UdpEnvelope stated) {
        return forge.inventedKeys(stated.source().toInetAddress(), stated.destination().toInetAddress());
    }

    private static byte[] encode(SacipMessage message, UdpEnvelope stated) {
        return UdpEncoder.encode(message, stated);
    }
}
