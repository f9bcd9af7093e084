package org.sacip.agent.peer.protocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.sacip.agent.peer.transport.PeerTransport;
import org.sacip.agent.peer.transport.TransportSettings;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Prints figures for the engine over the real transport between two namespaces on a veth link: key agreement time,
 * then per move the time from {@code announceMove} to "confirmed" (update, challenge, response, ack), alternating
 * between two new addresses; then how fast one engine thread drops forged updates (bad MAC under a known key id).
 * Run: {@code mvn -B -q -o -pl agent exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.agent.peer.protocol.PeerProtocolBenchmark}.
 */
public final class PeerProtocolBenchmark {
    private static final int MOVES = 40;
    private static final int FORGED = 102_400;

    private PeerProtocolBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        SacipAddress a0 = SacipAddress.parse("198.18.9.1");
        SacipAddress b0 = SacipAddress.parse("198.18.9.2");
        List<SacipAddress> moves = List.of(SacipAddress.parse("198.18.9.11"), SacipAddress.parse("198.18.9.12"));
        Path stateA = Files.createTempDirectory("sacip-bench-a");
        Path stateB = Files.createTempDirectory("sacip-bench-b");
        BlockingQueue<PeerProtocolListener.OwnMove> confirmed = new LinkedBlockingQueue<>();
        PeerProtocolListener atA = new PeerProtocolListener() {
            @Override
            public void moveConfirmed(OwnMove move) {
                confirmed.add(move);
            }
        };
        try (TestNamespace a = TestNamespace.create("qa"); TestNamespace b = TestNamespace.create("qb");
                ExecutorEngineLoop loopA = new ExecutorEngineLoop(Clock.systemUTC());
                ExecutorEngineLoop loopB = new ExecutorEngineLoop(Clock.systemUTC());
                PeerTransport transportA = new PeerTransport(TransportSettings.defaults());
                PeerTransport transportB = new PeerTransport(TransportSettings.defaults())) {
            String aLink = TestNamespace.interfaceName("qa");
            String bLink = TestNamespace.interfaceName("qb");
            a.linkTo(b, aLink, bLink);
            a.addAddresses(aLink, "198.18.9.1/24", "2001:db8:9::1/64");
            b.addAddresses(bLink, "198.18.9.2/24", "2001:db8:9::2/64");
            for (SacipAddress move : moves) {
                a.exec("ip", "addr", "add", move + "/24", "dev", aLink);
            }
            PeerProtocol engineA = PeerProtocol.open(loopA, new TransportPeerLink(transportA), atA, stateA,
                    new SecureRandom());
            PeerProtocol engineB = PeerProtocol.open(loopB, new TransportPeerLink(transportB),
                    new PeerProtocolListener() { }, stateB, new SecureRandom());
            a.netNamespace().call(() -> {
                transportA.start(engineA.transportListener());
                return null;
            });
            b.netNamespace().call(() -> {
                transportB.start(engineB.transportListener());
                return null;
            });

            long start = System.nanoTime();
            engineA.ensureKey(a0, b0).get(30, TimeUnit.SECONDS);
            System.out.printf("key agreement (HELLO..INIT_CONFIRM, empty neighbour caches): %.2f ms%n",
                    (System.nanoTime() - start) / 1e6);

            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < MOVES; i++) {
                long before = System.nanoTime();
                engineA.announceMove(a0, moves.get(i % 2), List.of(b0));
                PeerProtocolListener.OwnMove move = confirmed.poll(30, TimeUnit.SECONDS);
                if (move == null) {
                    throw new IllegalStateException("move " + i + " not confirmed within 30 s");
                }
                millis.add((System.nanoTime() - before) / 1e6);
            }
            Collections.sort(millis);
            System.out.printf("move announce -> confirmed (update, challenge, response, ack), %d moves: "
                    + "median %.3f ms, p99 %.3f ms, max %.3f ms%n", MOVES, millis.get(MOVES / 2),
                    millis.get((int) Math.ceil(MOVES * 0.99) - 1), millis.get(MOVES - 1));

            Octets keyId = engineB.session(b0, a0).get(5, TimeUnit.SECONDS).orElseThrow().keyId();
            SacipAddress mallory = SacipAddress.parse("198.18.9.66");
            byte[] forged = SacipEncoder.encode(new AddressUpdate(keyId, 1000, a0, mallory, Octets.zeros(16)),
                    mallory, b0);
            long before = System.nanoTime();
            // In batches below the engine's queue limit, so every message is decoded and MAC-checked.
            int batch = PeerProtocol.MAX_QUEUED_MESSAGES / 2;
            for (int sent = 0; sent < FORGED; sent += batch) {
                for (int i = 0; i < batch; i++) {
                    engineB.receive(mallory, b0, forged);
                }
                while (engineB.drops().count(DropReason.BAD_MAC) < sent + batch) {
                    Thread.onSpinWait();
                }
            }
            double seconds = (System.nanoTime() - before) / 1e9;
            System.out.printf("forged updates dropped (decode, key lookup, MAC check) on one engine thread: "
                    + "%d in %.2f s = %.0f per second (overload drops: %d)%n", FORGED, seconds, FORGED / seconds,
                    engineB.drops().count(DropReason.OVERLOAD));
            engineA.close();
            engineB.close();
        } finally {
            for (Path dir : List.of(stateA, stateB)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
