package org.sacip.agent.peer.protocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.sacip.agent.peer.transport.NamespaceLab;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Prints figures for two engines wired as the agent wires them (transport, sender, engine loop, data-path port that
 * commits at once) between two namespaces on a bridged link, IPv4 then IPv6: the time from a TCP connection being
 * reported opened on both sides to both data paths binding it (HELLO to CLAIM_REPLY, neighbour caches warm from the
 * connection); then per move the time from {@code announceMove} to A's data path hearing it confirmed (update,
 * challenge, response, acknowledgement), alternating between two new addresses; then how fast one engine thread
 * drops forged updates (bad MAC under a known key id). Run: {@code mvn -B -q -o -pl agent exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=org.sacip.agent.peer.protocol.PeerProtocolBenchmark}.
 */
public final class PeerProtocolBenchmark {
    private static final int MOVES = 40;
    private static final int FORGED = 102_400;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private PeerProtocolBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        for (int family : new int[] {4, 6}) {
            run(family);
        }
    }

    private static void run(int family) throws Exception {
        String name = "IPv" + family;
        SacipAddress a0 = PeerProtocolNamespaceTest.address(family, 1);
        SacipAddress b0 = PeerProtocolNamespaceTest.address(family, 2);
        List<SacipAddress> moves = List.of(PeerProtocolNamespaceTest.address(family, 11),
                PeerProtocolNamespaceTest.address(family, 12));
        Path stateA = Files.createTempDirectory("sacip-bench-a");
        Path stateB = Files.createTempDirectory("sacip-bench-b");
        try (NamespaceLab lab = new NamespaceLab()) {
            PeerProtocolNamespaceTest.Bridge bridge = PeerProtocolNamespaceTest.Bridge.create(lab);
            TestNamespace a = bridge.attach("a", 1);
            TestNamespace b = bridge.attach("b", 2);
            for (SacipAddress move : moves) {
                bridge.addAddress(a, "a", move);
            }
            PeerProtocolNamespaceTest.Connection connection = PeerProtocolNamespaceTest.Connection.open(lab, a, a0,
                    b, b0);
            PeerProtocolNamespaceTest.EngineHost atA = PeerProtocolNamespaceTest.EngineHost.start(lab, a,
                    EngineStore.threaded(stateA));
            PeerProtocolNamespaceTest.EngineHost atB = PeerProtocolNamespaceTest.EngineHost.start(lab, b,
                    EngineStore.threaded(stateB));

            long start = System.nanoTime();
            connection.reportOpened(atA.engine(), atB.engine());
            await(() -> connection.boundAtBoth(atA, atB), "the connection bound at both ends");
            System.out.printf("%s key agreement and claim (HELLO .. CLAIM_REPLY, both bound): %.2f ms%n", name,
                    (System.nanoTime() - start) / 1e6);

            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < MOVES; i++) {
                SacipAddress target = moves.get(i % 2);
                long before = System.nanoTime();
                atA.engine().announceMove(a0, target);
                await(() -> atA.view(b0).map(v -> v.localConfirmed().equals(target)).orElse(false),
                        "move " + i + " to " + target + " confirmed");
                millis.add((System.nanoTime() - before) / 1e6);
            }
            Collections.sort(millis);
            System.out.printf("%s move announced -> confirmed at A's data path (update, challenge, response, ack),"
                    + " %d moves: median %.3f ms, p99 %.3f ms, max %.3f ms%n", name, MOVES, millis.get(MOVES / 2),
                    millis.get((int) Math.ceil(MOVES * 0.99) - 1), millis.get(MOVES - 1));

            Octets keyId = atB.lineageWithPeer(a0).keyId();
            SacipAddress mallory = PeerProtocolNamespaceTest.address(family, 66);
            byte[] forged = SacipEncoder.encode(new AddressUpdate(keyId, 1000, a0, mallory, Octets.zeros(16)),
                    mallory, b0);
            long dropsBefore = atB.engine().drops().count(DropReason.BAD_MAC);
            long before = System.nanoTime();
            // In batches below the engine's queue limit, so every message is decoded and MAC-checked.
            int batch = EngineLimits.QUEUED_MESSAGES / 2;
            for (int sent = 0; sent < FORGED; sent += batch) {
                for (int i = 0; i < batch; i++) {
                    atB.engine().receive(mallory, b0, forged);
                }
                long target = dropsBefore + sent + batch;
                await(() -> atB.engine().drops().count(DropReason.BAD_MAC) >= target, "forged batch dropped");
            }
            double seconds = (System.nanoTime() - before) / 1e9;
            System.out.printf("%s forged updates dropped (decode, key lookup, MAC check) on one engine thread: "
                    + "%d in %.2f s = %.0f per second (overload drops: %d)%n", name, FORGED, seconds,
                    FORGED / seconds, atB.engine().drops().count(DropReason.OVERLOAD));
            System.out.printf("%s senders: A sent %d, not sent %s; B sent %d, not sent %s%n", name,
                    atA.transport().sender().sent(), atA.transport().sender().unsent(),
                    atB.transport().sender().sent(), atB.transport().sender().unsent());
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

    /** Polls every 50 us (a benchmark's resolution, without spinning a core away from the engines). */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(what + ": not within 30 s");
            }
            LockSupport.parkNanos(50_000);
        }
    }
}
