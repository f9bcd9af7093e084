package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.scenario.Verdict;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;

/**
 * State an attacker can make B keep, over IPv6, all at once:
 *
 * <pre>
 *   E   100,000 HELLOs (one in five) and INITs with made-up cookies, each from its own spoofed source
 *       (2001:db8:99::/64), 4,000 a second
 *   F   10,000 real TCP connections to B, each from its own address of 2001:db8:30::/64 (routed to F by R),
 *       with F's own agent completing every key agreement it can
 *   A   a legitimate peer: opens a verified stream to B meanwhile (its agent agrees a key), then moves
 * </pre>
 *
 * A's key agreement and move must succeed and its stream survive; afterwards every bound B's agent reports for
 * remotely keyed state ({@code status.bounds}) holds its size within its limit, and the heap is within its
 * maximum. The figures (sizes, heap, keys agreed on B and on F) are printed.
 */
class BoundedStateTest {
    private static final int SPOOFED_MESSAGES = 100_000;
    /**
     * 4,000 a second for 25 s. The HELLOs among them (800 a second) stay below the agent's default global HELLO
     * budget (docs/AGENT.md, hello-rate = 1000), so the legitimate peer's HELLOs are not dropped for lack of it;
     * INITs with made-up cookies fail their cookie check, whatever their number.
     */
    private static final double SPOOFED_PER_SECOND = 4_000;
    private static final int POOL_CONNECTIONS = 10_000;
    private static final int STREAM_PORT = 5001;
    private static final int POOL_PORT = 5003;
    private static final long KEY_LIMIT_MS = 30_000;
    private static final long MOVE_LIMIT_MS = 15_000;
    /** A's stream may sit in TCP's backed-off retransmission timer (up to 6.4 s at the fifth retry) when the flood ends. */
    private static final Duration FLOW_LIMIT = Duration.ofSeconds(30);
    /** F's agent is done when it holds keys and their count has not changed for this long... */
    private static final long SETTLED_MS = 10_000;
    /** ... or when this much time has passed since its connections opened. */
    private static final long HANDSHAKES_LIMIT_MS = 90_000;

    @Test
    void spoofedHandshakesAndTenThousandRealPeersLeaveEveryMapWithinItsBound() throws Exception {
        try (Lab lab = new Lab()) {
            PhaseClock clock = new PhaseClock();
            Topology topology = AttackTopologies.addressPool(lab, POOL_CONNECTIONS);
            clock.mark("topology");
            Family family = topology.family();
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b", "f"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlB = agents.control("b");
            clock.mark("agents");
            Endpoint poolServer = Endpoint.start(lab, "b", TrafficKind.MANY, true, Map.of("listen",
                    Addresses.endpoint(b, POOL_PORT), "count", Integer.toString(POOL_CONNECTIONS)));
            poolServer.await("ready", 60_000);

            SpoofedSources spoofed = SpoofedSources.from("2001:db8:99::1", SPOOFED_MESSAGES);
            Forgeries forge = new Forgeries();
            try (RawIpSocket fromE = RawIpSocket.open(lab.ns("e"), true)) {
                // One in five is a HELLO (800 a second), the rest INITs with made-up cookies.
                PacedSender flood = PacedSender.start("HELLO/INIT flood from E", fromE, SPOOFED_MESSAGES,
                        SPOOFED_PER_SECOND, i -> Forgeries.packet(i % 5 == 0 ? forge.hello() : forge.initWithJunkCookie(),
                                spoofed.get(i), b));

                // F opens its 10,000 connections while the flood runs; each sends 8 octets, which B's echo service
                // returns: answered connections, as F's agent needs before it agrees a key.
                List<InetSocketAddress> pool = new ArrayList<>();
                for (int i = 1; i <= POOL_CONNECTIONS; i++) {
                    pool.add(new InetSocketAddress(Addresses.of(AttackTopologies.poolAddress(i)), 0));
                }
                TcpClients poolClients = TcpClients.connect(lab, "f", pool, new InetSocketAddress(b, POOL_PORT),
                        60_000, new byte[8]);
                long poolOpenedAt = System.currentTimeMillis();
                clock.mark("pool connections");

                // The legitimate peer: a stream from A, its key agreement, its move, all while under pressure.
                VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, STREAM_PORT));
                Waits.Outcome<List<String>> keyA = Waits.poll(KEY_LIMIT_MS,
                        () -> PeerKeys.lineages(agents.control("a"), Addresses.text(b)), ids -> !ids.isEmpty());
                Waits.Outcome<Optional<JsonNode>> followed = null;
                if (keyA.met()) {
                    new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
                    String bLocal = Addresses.endpoint(b, STREAM_PORT);
                    String aRemote = Addresses.endpoint(x, stream.clientPort());
                    String expected = Addresses.endpoint(y, stream.clientPort());
                    followed = Waits.poll(MOVE_LIMIT_MS, () -> AgentFacts.session(controlB, bLocal, aRemote),
                            AgentFacts.sentTo(expected));
                }
                clock.mark("A's key and move");
                PacedSender.Report flooded = flood.await(120_000);
                clock.mark("flood done");
                boolean flowing = stream.awaitFlowing(FLOW_LIMIT);
                clock.mark(flowing ? "A's stream flows" : "A's stream still silent");
                StreamFigures figures = stream.finish();

                // F's agent agrees what it can; then B's state is read.
                Waits.Outcome<Long> settled = settle(agents.control("f"), poolOpenedAt);
                clock.mark("F settled");
                List<AgentFacts.Bound> bounds = readOrNull(() -> AgentFacts.bounds(controlB));
                AgentFacts.Heap heap = readOrNull(() -> AgentFacts.heap(controlB));
                long keysOnB = AgentFacts.keysAgreed(controlB);
                JsonNode drops = controlB.status().path("drops");
                System.out.printf("bounded state: flood %s; F's agent agreed %d keys (settled: %s, after %d ms), B"
                        + " holds %d; A's key %s after %d ms, B followed A's move %s; stream %s; bounds %s; heap %s;"
                        + " B's drops %s; %d pool connections open; phases %s%n", flooded, settled.last(), settled.met(),
                        settled.afterMs(), keysOnB, keyA.met(), keyA.afterMs(),
                        followed == null ? "(no move: no key)" : followed.met() + " after " + followed.afterMs() + " ms",
                        figures.verdict(), bounds, heap, drops, poolClients.channels().size(), clock);
                Waits.Outcome<Optional<JsonNode>> moved = followed;
                assertAll(
                        () -> assertTrue(settled.last() != null && settled.last() > 0, "F's agent agreed no key for"
                                + " its " + POOL_CONNECTIONS + " connections within " + HANDSHAKES_LIMIT_MS / 1000
                                + " s: the handshakes this test is about never reached B"),
                        () -> assertTrue(keyA.met(), "A's agent agreed no key with B within " + KEY_LIMIT_MS
                                + " ms under the flood"),
                        () -> assertTrue(moved != null && moved.met(), "B did not follow A's move within "
                                + MOVE_LIMIT_MS + " ms: " + (moved == null ? "no move" : moved.last())),
                        () -> assertEquals(Verdict.SURVIVED, figures.verdict(), "A's stream: " + Streams.describe(figures)),
                        () -> {
                            List<AgentFacts.Bound> reported = AgentFacts.bounds(controlB);
                            assertFalse(reported.isEmpty(), "B reports no bounds at all");
                            assertAll(reported.stream().map(bound -> () -> assertTrue(bound.within(), "B's "
                                    + bound.name() + " holds " + bound.size() + ", above its limit " + bound.limit())));
                        },
                        () -> {
                            AgentFacts.Heap now = AgentFacts.heap(controlB);
                            assertTrue(now.used() <= now.max(), "B's heap: " + now);
                        });
            }
        }
    }

    /**
     * Polls F's count of agreed keys until it is above zero and has stood still for {@link #SETTLED_MS}, within the
     * overall limit.
     */
    private static Waits.Outcome<Long> settle(AgentControl controlF, long since) {
        long[] last = {-1};
        long[] changedAt = {System.currentTimeMillis()};
        long left = Math.max(0, since + HANDSHAKES_LIMIT_MS - System.currentTimeMillis());
        return Waits.poll(left, () -> {
            long now = AgentFacts.keysAgreed(controlF);
            if (now != last[0]) {
                last[0] = now;
                changedAt[0] = System.currentTimeMillis();
            }
            return now;
        }, count -> count > 0 && System.currentTimeMillis() - changedAt[0] >= SETTLED_MS);
    }

    /** A figure for the printed line: null when the agent does not report it (the assertions say so). */
    private static <T> T readOrNull(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (AssertionError | LabException missing) {
            return null;
        }
    }
}
