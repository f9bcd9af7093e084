package org.sacip.agent.handover;

import static org.sacip.agent.handover.HandoverIntegrationTest.ip;
import static org.sacip.agent.handover.HandoverIntegrationTest.observer;
import static org.sacip.agent.handover.HandoverIntegrationTest.tuple;
import static org.sacip.agent.handover.HandoverIntegrationTest.view;


import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathSettings;
import org.sacip.agent.move.MoveKind;
import org.sacip.agent.move.MovePlan;
import org.sacip.agent.peer.protocol.AssociationView;
import org.sacip.agent.peer.protocol.BindingChange;
import org.sacip.agent.peer.protocol.EngineChange;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionOrigin;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.message.Octets;

/**
 * Prints how long the handover takes with a real data path in a throwaway namespace, at the bench's largest scale
 * (100,000 sessions to 100 peers by default): binding them all, then for several rounds the three steps of a move's
 * convergence that run in the agents (not the network): our move (at host A: the inbound rewrite and the ghost, the
 * "move" event), every peer's confirmation of it (at A: the outbound rewrite), and the peer's side (at host B: a
 * checked move of its peer committed, per lineage). Then the heap after a full collection, per session. Figures
 * only: nothing is asserted. Run: {@code mvn -B -q -o -pl agent exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.agent.handover.HandoverBenchmark -Dexec.args="100000 100 3"}.
 */
public final class HandoverBenchmark {
    private static final long WAIT_SECONDS = 120;
    /** A's address on its first uplink, where the sessions were made, and on its second. */
    private static final InetAddress X = ip("198.18.1.2");
    private static final InetAddress Y = ip("198.18.2.2");

    private HandoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sessions;
        int peers;
        int rounds;
        try {
            sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
            peers = args.length > 1 ? Integer.parseInt(args[1]) : 100;
            rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        } catch (NumberFormatException e) {
            sessions = -1;
            peers = -1;
            rounds = -1;
        }
        // At most 250 peers (198.18.10.2-251), 50,000 sessions to each (one local port each from 10,000).
        if (args.length > 3 || peers < 1 || peers > 250 || sessions < peers || sessions % peers != 0
                || sessions / peers > 50_000 || rounds < 1) {
            System.err.println("HandoverBenchmark: usage: [SESSIONS, a multiple of PEERS, at most 50,000 per peer] "
                    + "[PEERS 1..250] [ROUNDS >= 1]");
            System.exit(2);
        }
        ourSide(sessions, peers, rounds);
        peerSide(sessions, peers, rounds);
    }

    /** Host A: all sessions from X, moved to Y and back, each move confirmed by every peer. */
    private static void ourSide(int count, int peers, int rounds) throws Exception {
        List<InetAddress> peerAddresses = peerAddresses(peers);
        List<Octets> lineages = lineages(peers);
        List<PeerSessions> groups = new ArrayList<>();
        List<BindingChange> bindings = new ArrayList<>();
        for (int p = 0; p < peers; p++) {
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < count / peers; i++) {
                SessionTuple tuple = tuple(X, 10_000 + i, peerAddresses.get(p), 5001);
                sessions.add(new Session(tuple, SessionOrigin.TRACKED, 0));
                bindings.add(new BindingChange(tuple, Optional.of(lineages.get(p)), Optional.empty()));
            }
            groups.add(new PeerSessions(peerAddresses.get(p), sessions));
        }
        onRealDataPath(handover -> {
            List<AssociationView> home = new ArrayList<>();
            for (int p = 0; p < peers; p++) {
                home.add(view(lineages.get(p), X, peerAddresses.get(p), X, peerAddresses.get(p)));
            }
            long start = System.nanoTime();
            apply(handover, new EngineChange(home, List.of(), List.of(), bindings));
            System.out.printf("A, %,d sessions / %d peers: bound in %.0f ms%n", count, peers, ms(start));
            InetAddress at = X;
            for (int round = 0; round < rounds; round++) {
                InetAddress to = at.equals(X) ? Y : X;
                MoveKind kind = to.equals(X) ? MoveKind.RETURN_HOME : MoveKind.MAKE_BEFORE_BREAK;
                start = System.nanoTime();
                handover.execute(new MovePlan(kind, X, at, to, 2, "up", groups, Instant.now(), false))
                        .get(WAIT_SECONDS, TimeUnit.SECONDS);
                double moved = ms(start);
                start = System.nanoTime();
                List<CompletableFuture<Set<Octets>>> answers = new ArrayList<>();
                for (int p = 0; p < peers; p++) {
                    AssociationView confirmed = view(lineages.get(p), X, peerAddresses.get(p), to,
                            peerAddresses.get(p));
                    answers.add(handover.apply(new EngineChange(List.of(confirmed), List.of(), List.of(), List.of()))
                            .toCompletableFuture());
                }
                for (CompletableFuture<Set<Octets>> answer : answers) {
                    answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
                }
                System.out.printf("A, round %d: our move %.0f ms (the move event), all %d confirmations %.0f ms%n",
                        round + 1, moved, peers, ms(start));
                at = to;
            }
            System.out.printf("A: heap after a full collection %.1f MiB, %.0f B per session (JVM and all)%n",
                    usedAfterGc() / 1048576.0, usedAfterGc() / (double) count);
        });
    }

    /** Host B: sessions from each of its peer addresses to A's X; A moves to Y and back, checked per lineage. */
    private static void peerSide(int count, int peers, int rounds) throws Exception {
        List<InetAddress> ours = peerAddresses(peers);
        List<Octets> lineages = lineages(peers);
        List<BindingChange> bindings = new ArrayList<>();
        for (int p = 0; p < peers; p++) {
            for (int i = 0; i < count / peers; i++) {
                bindings.add(new BindingChange(tuple(ours.get(p), 5001, X, 10_000 + i), Optional.of(lineages.get(p)),
                        Optional.empty()));
            }
        }
        onRealDataPath(handover -> {
            List<AssociationView> home = new ArrayList<>();
            for (int p = 0; p < peers; p++) {
                home.add(view(lineages.get(p), ours.get(p), X, ours.get(p), X));
            }
            long start = System.nanoTime();
            apply(handover, new EngineChange(home, List.of(), List.of(), bindings));
            System.out.printf("B, %,d sessions / %d lineages: bound in %.0f ms%n", count, peers, ms(start));
            InetAddress at = X;
            for (int round = 0; round < rounds; round++) {
                InetAddress to = at.equals(X) ? Y : X;
                start = System.nanoTime();
                List<CompletableFuture<Set<Octets>>> commits = new ArrayList<>();
                for (int p = 0; p < peers; p++) {
                    AssociationView moved = view(lineages.get(p), ours.get(p), X, ours.get(p), to);
                    commits.add(handover.apply(new EngineChange(List.of(moved), List.of(), List.of(), List.of()))
                            .toCompletableFuture());
                }
                for (CompletableFuture<Set<Octets>> commit : commits) {
                    commit.get(WAIT_SECONDS, TimeUnit.SECONDS);
                }
                System.out.printf("B, round %d: the peer's move committed for all %d lineages in %.0f ms%n",
                        round + 1, peers, ms(start));
                at = to;
            }
        });
    }

    /** What a side does with a handover over a real data path, in a namespace of its own. */
    @FunctionalInterface
    private interface Side {
        void run(Handover handover) throws Exception;
    }

    private static void onRealDataPath(Side side) throws Exception {
        Path state = Files.createTempDirectory("sacip-handover-bench-");
        try (TestNamespace ns = TestNamespace.create("hbench");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = new Handover(dataPath, new HandoverStore(state), HandoverEvents.NONE,
                        Optional.empty(), observer(), Clock.systemUTC())) {
            handover.resume(new HandoverStore.State(List.of(), Map.of()));
            side.run(handover);
        } finally {
            // Only the state files: a failure to remove them must not hide the benchmark's own.
            try (var files = Files.walk(state)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (java.io.IOException e) {
                System.err.println("HandoverBenchmark: " + state + " not removed: " + e.getMessage());
            }
        }
    }

    private static List<InetAddress> peerAddresses(int peers) {
        List<InetAddress> addresses = new ArrayList<>();
        for (int p = 0; p < peers; p++) {
            addresses.add(ip("198.18.10." + (2 + p)));
        }
        return addresses;
    }

    private static List<Octets> lineages(int peers) {
        List<Octets> lineages = new ArrayList<>();
        for (int p = 0; p < peers; p++) {
            lineages.add(Octets.fromHex(String.format("%016x", 0x0100_0000_0000_0000L + p)));
        }
        return lineages;
    }

    private static void apply(Handover handover, EngineChange change) throws Exception {
        handover.apply(change).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static long usedAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
