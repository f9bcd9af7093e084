package org.sacip.netlink.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each rewrite map of the test ruleset (a copy of the agent's rewrite maps), IPv4 and IPv6, with real UDP datagrams between two namespaces: the chain it sits
 * in rewrites the address datapath.md says, and a miss rewrites nothing.
 */
@Tag("integration")
class RewriteIntegrationTest {
    private static final int UDP = TupleKey.UDP;

    /** Addresses of one IP version in the lab. */
    private record Plan(String a, String b, String aNew, String bOld, String bGhost, int prefix, SetReference in,
            SetReference indst, SetReference out, SetReference outsrc) {
    }

    private static Plan plan(boolean ipv6) {
        return ipv6
                ? new Plan(TwoHostLab.A_ADDRESS6, TwoHostLab.B_ADDRESS6, "2001:db8::11", "2001:db8::77",
                        "2001:db8::50", 128, TestSets.IN6, TestSets.INDST6, TestSets.OUT6, TestSets.OUTSRC6)
                : new Plan(TwoHostLab.A_ADDRESS, TwoHostLab.B_ADDRESS, "198.18.1.11", "198.18.0.77", "198.18.0.50",
                        32, TestSets.IN4, TestSets.INDST4, TestSets.OUT4, TestSets.OUTSRC4);
    }

    private static MapElement element(String source, String destination, int sourcePort, int destinationPort,
            String value) throws Exception {
        return new MapElement(new TupleKey(InetAddress.getByName(source), InetAddress.getByName(destination), UDP,
                sourcePort, destinationPort), InetAddress.getByName(value));
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void everyMapRewritesInItsChain(boolean ipv6) throws Exception {
        Plan plan = plan(ipv6);
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.a.exec("ip", "addr", "add", plan.aNew() + "/" + plan.prefix(), "dev", lab.aInterface, "nodad");
            lab.b.exec("ip", "addr", "add", plan.bGhost() + "/" + plan.prefix(), "dev", "lo", "scope", "host",
                    "nodad");
            TestRuleset.loadInto(lab.a.name());
            TestRuleset.loadInto(lab.b.name());
            try (NfTablesConnection a = NfTablesConnection.open(lab.a.netNamespace());
                    NfTablesConnection b = NfTablesConnection.open(lab.b.netNamespace())) {
                // A moved to aNew: send from it (postrouting).
                a.addElements(plan.outsrc(), List.of(element(plan.a(), plan.b(), 31001, 5001, plan.aNew())));
                // B moved away from bOld: send to its new address (output, re-routed).
                a.addElements(plan.out(), List.of(element(plan.a(), plan.bOld(), 31002, 5002, plan.b())));
                a.flush();
                // B moved from its ghost: packets to its new address go back to the ghost (prerouting).
                b.addElements(plan.indst(), List.of(element(plan.a(), plan.b(), 31003, 5003, plan.bGhost())));
                b.flush();
            }
            InetAddress unchanged = InetAddress.getByName(plan.a());
            assertEquals(InetAddress.getByName(plan.aNew()), sourceSeenByB(lab, plan.a(), 31001, plan.b(), plan.b(),
                    5001));
            assertEquals(unchanged, sourceSeenByB(lab, plan.a(), 31002, plan.bOld(), plan.b(), 5002));
            assertEquals(unchanged, sourceSeenByB(lab, plan.a(), 31003, plan.b(), plan.bGhost(), 5003));
            // A tuple in no map: nothing rewritten.
            assertEquals(unchanged, sourceSeenByB(lab, plan.a(), 31004, plan.b(), plan.b(), 5004));
        }
    }

    /**
     * The port maps, with real UDP datagrams: inbound, b's @inport restores the source port the wire tuple maps to
     * (before the address maps, so its key is the wire tuple); outbound, a's @outport sets the destination port
     * after @outsrc set the source, so its key carries the new source. Checksums are fixed by the kernel, or b's
     * socket would drop the datagrams.
     */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void portMapsRewriteThePeersPortOnTheWireSide(boolean ipv6) throws Exception {
        Plan plan = plan(ipv6);
        SetReference inport = ipv6 ? TestSets.INPORT6 : TestSets.INPORT4;
        SetReference outport = ipv6 ? TestSets.OUTPORT6 : TestSets.OUTPORT4;
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.a.exec("ip", "addr", "add", plan.aNew() + "/" + plan.prefix(), "dev", lab.aInterface, "nodad");
            TestRuleset.loadInto(lab.a.name());
            TestRuleset.loadInto(lab.b.name());
            try (NfTablesConnection a = NfTablesConnection.open(lab.a.netNamespace());
                    NfTablesConnection b = NfTablesConnection.open(lab.b.netNamespace())) {
                // b: the wire tuple a:31005 -> b:5005 is the session a's NAT had as a:41005.
                b.addElements(inport, List.of(portElement(plan.a(), plan.b(), 31005, 5005, 41005)));
                // b: and the address too, keyed with the port @inport left.
                b.addElements(plan.in(), List.of(element(plan.a(), plan.b(), 41005, 5005, plan.bOld())));
                b.flush();
                // a sends from aNew (@outsrc), then to port 5006 instead of 5106 (@outport, keyed with aNew).
                a.addElements(plan.outsrc(), List.of(element(plan.a(), plan.b(), 31006, 5106, plan.aNew())));
                a.addElements(outport, List.of(portElement(plan.aNew(), plan.b(), 31006, 5106, 5006)));
                a.flush();
            }
            assertEquals(new InetSocketAddress(InetAddress.getByName(plan.bOld()), 41005),
                    seenByB(lab, plan.a(), 31005, plan.b(), 5005, plan.b(), 5005));
            assertEquals(new InetSocketAddress(InetAddress.getByName(plan.aNew()), 31006),
                    seenByB(lab, plan.a(), 31006, plan.b(), 5106, plan.b(), 5006));
            // Keyed with another source port: nothing rewritten.
            assertEquals(new InetSocketAddress(InetAddress.getByName(plan.a()), 31007),
                    seenByB(lab, plan.a(), 31007, plan.b(), 5005, plan.b(), 5005));
        }
    }

    private static PortMapElement portElement(String source, String destination, int sourcePort,
            int destinationPort, int value) throws Exception {
        return new PortMapElement(new TupleKey(InetAddress.getByName(source), InetAddress.getByName(destination), UDP,
                sourcePort, destinationPort), value);
    }

    /**
     * Sends from a's {@code source:sourcePort} to {@code target:port} until b's socket bound to {@code bound:port}
     * receives one; returns the source address b saw.
     */
    private static InetAddress sourceSeenByB(TwoHostLab lab, String source, int sourcePort, String target, String bound,
            int port) throws Exception {
        return seenByB(lab, source, sourcePort, target, port, bound, port).getAddress();
    }

    /**
     * Sends from a's {@code source:sourcePort} to {@code target:targetPort} until b's socket bound to
     * {@code bound:boundPort} receives one; returns the source endpoint b saw.
     */
    private static InetSocketAddress seenByB(TwoHostLab lab, String source, int sourcePort, String target,
            int targetPort, String bound, int boundPort) throws Exception {
        byte[] payload = "sacip".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket receiver = lab.b.netNamespace().call(() -> new DatagramSocket(
                new InetSocketAddress(InetAddress.getByName(bound), boundPort)));
                DatagramSocket sender = lab.a.netNamespace().call(() -> new DatagramSocket(
                        new InetSocketAddress(InetAddress.getByName(source), sourcePort)))) {
            receiver.setSoTimeout(1000);
            DatagramPacket packet = new DatagramPacket(new byte[64], 64);
            for (int attempt = 0; attempt < 30; attempt++) {
                sender.send(new DatagramPacket(payload, payload.length,
                        new InetSocketAddress(InetAddress.getByName(target), targetPort)));
                try {
                    receiver.receive(packet);
                    return (InetSocketAddress) packet.getSocketAddress();
                } catch (SocketTimeoutException again) {
                    // first datagrams may wait for neighbour resolution
                }
            }
            throw new AssertionError("nothing arrived at " + bound + ":" + boundPort + " in 30 s");
        }
    }
}
