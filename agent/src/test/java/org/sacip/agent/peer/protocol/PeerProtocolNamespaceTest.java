package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.peer.transport.InterfaceSelection;
import org.sacip.agent.peer.transport.PeerTransport;
import org.sacip.agent.peer.transport.TransportSettings;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Two engines over the real pcap transport between throwaway namespaces on one bridged link, and a third namespace
 * on the same link forging updates: key agreement, a move to a new address with its reachability check, and the
 * forgeries dropped and counted.
 */
class PeerProtocolNamespaceTest {
    private static final TransportSettings SETTINGS = new TransportSettings(InterfaceSelection.all(),
            Duration.ofMillis(200), Duration.ofSeconds(5), 256, Duration.ofMillis(50));
    private static final SacipAddress A0 = SacipAddress.parse("198.18.7.1");
    private static final SacipAddress B0 = SacipAddress.parse("198.18.7.2");
    private static final SacipAddress Y = SacipAddress.parse("198.18.7.11");
    private static final SacipAddress MALLORY = SacipAddress.parse("198.18.7.66");

    @TempDir
    Path stateA;
    @TempDir
    Path stateB;

    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();

    @AfterEach
    void cleanUp() throws Exception {
        Exception first = null;
        while (!cleanup.isEmpty()) {
            try {
                cleanup.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Test
    void moveIsCheckedOverTheRealTransportAndAForgedUpdateChangesNothing() throws Exception {
        TestNamespace sw = namespace("sw");
        String bridge = TestNamespace.interfaceName("br");
        sw.exec("ip", "link", "add", bridge, "type", "bridge");
        sw.exec("ip", "link", "set", bridge, "up");
        TestNamespace a = host(sw, "a", "198.18.7.1/24", "2001:db8:7::1/64", bridge);
        TestNamespace b = host(sw, "b", "198.18.7.2/24", "2001:db8:7::2/64", bridge);
        TestNamespace m = host(sw, "m", "198.18.7.66/24", "2001:db8:7::66/64", bridge);

        RecordingProtocolListener atA = new RecordingProtocolListener();
        RecordingProtocolListener atB = new RecordingProtocolListener();
        PeerProtocol engineA = engine(a, stateA, atA);
        PeerProtocol engineB = engine(b, stateB, atB);
        PeerTransport mallory = new PeerTransport(SETTINGS);
        m.netNamespace().call(() -> {
            mallory.start(message -> { });
            return null;
        });
        cleanup.push(mallory);

        engineA.ensureKey(A0, B0).get(30, TimeUnit.SECONDS);
        await(() -> atB.events.contains("key 198.18.7.2 198.18.7.1"), "B installs the key");

        a.exec("ip", "addr", "add", "198.18.7.11/24", "dev", TestNamespace.interfaceName("ha"));
        engineA.announceMove(A0, Y, List.of(B0));
        await(() -> atA.events.contains("confirmed 198.18.7.1 at 198.18.7.11 by 198.18.7.2 seq 1"),
                "A reports its move confirmed");
        assertTrue(atB.events.contains("peer 198.18.7.1 at 198.18.7.11"), atB.events.toString());
        assertEquals(Y, engineB.session(B0, A0).get(5, TimeUnit.SECONDS).orElseThrow().peerCurrent());

        // The key id travels in clear, so an attacker on the link may know it; the MAC it cannot make.
        Octets keyId = engineB.session(B0, A0).get(5, TimeUnit.SECONDS).orElseThrow().keyId();
        AddressUpdate forged = new AddressUpdate(keyId, 1000, A0, MALLORY, Octets.zeros(16));
        AddressUpdate unknownKey = new AddressUpdate(Octets.fromHex("0102030405060708"), 1000, A0, MALLORY,
                Octets.zeros(16));
        mallory.send(MALLORY.toInetAddress(), B0.toInetAddress(), SacipEncoder.encode(forged, MALLORY, B0));
        mallory.send(MALLORY.toInetAddress(), B0.toInetAddress(), SacipEncoder.encode(unknownKey, MALLORY, B0));
        await(() -> engineB.drops().count(DropReason.BAD_MAC) == 1
                && engineB.drops().count(DropReason.UNKNOWN_KEY) == 1, "B drops both forgeries");
        assertEquals(Y, engineB.session(B0, A0).get(5, TimeUnit.SECONDS).orElseThrow().peerCurrent());
        assertEquals(List.of("key 198.18.7.2 198.18.7.1", "peer 198.18.7.1 at 198.18.7.11"), atB.events);
        assertEquals(2, engineB.drops().total());
        assertEquals(0, engineA.drops().total());

        // The same over IPv6 (neighbour discovery instead of ARP, checksum with the pseudo-header).
        SacipAddress a6 = SacipAddress.parse("2001:db8:7::1");
        SacipAddress b6 = SacipAddress.parse("2001:db8:7::2");
        SacipAddress y6 = SacipAddress.parse("2001:db8:7::11");
        engineA.ensureKey(a6, b6).get(30, TimeUnit.SECONDS);
        a.exec("ip", "addr", "add", "2001:db8:7::11/64", "dev", TestNamespace.interfaceName("ha"), "nodad");
        engineA.announceMove(a6, y6, List.of(b6));
        await(() -> atA.events.stream().anyMatch(e -> e.startsWith("confirmed " + a6 + " at " + y6)),
                "A reports its IPv6 move confirmed");
        assertEquals(y6, engineB.session(b6, a6).get(5, TimeUnit.SECONDS).orElseThrow().peerCurrent());
        assertEquals(2, engineB.drops().total());
    }

    private TestNamespace namespace(String label) throws Exception {
        TestNamespace namespace = TestNamespace.create(label);
        cleanup.push(namespace);
        return namespace;
    }

    /** A host namespace whose one interface is a port of the switch namespace's bridge. */
    private TestNamespace host(TestNamespace sw, String label, String v4, String v6, String bridge) throws Exception {
        TestNamespace host = namespace(label);
        String here = TestNamespace.interfaceName("h" + label);
        String port = TestNamespace.interfaceName("p" + label);
        host.linkTo(sw, here, port);
        sw.exec("ip", "link", "set", port, "master", bridge);
        host.addAddresses(here, v4, v6);
        return host;
    }

    private PeerProtocol engine(TestNamespace namespace, Path state, PeerProtocolListener listener)
            throws Exception {
        PeerTransport transport = new PeerTransport(SETTINGS);
        ExecutorEngineLoop loop = new ExecutorEngineLoop(Clock.systemUTC());
        cleanup.push(loop);
        PeerProtocol engine = PeerProtocol.open(loop, new TransportPeerLink(transport), listener, state,
                new SecureRandom());
        namespace.netNamespace().call(() -> {
            transport.start(engine.transportListener());
            return null;
        });
        cleanup.push(transport);
        cleanup.push(engine::close);
        return engine;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
