package org.sacip.agent.handover;

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
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionOrigin;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

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

    private HandoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int peers = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        ourSide(sessions, peers, rounds);
        peerSide(sessions, peers, rounds);
    }

    /** Host A: all sessions from X, moved to Y and back, each move confirmed by every peer. */
    private static void ourSide(int count, int peers, int rounds) throws Exception {
        InetAddress x = ip("198.18.1.2");
        InetAddress y = ip("198.18.2.2");
        List<InetAddress> peerAddresses = peerAddresses(peers);
        List<Octets> lineages = lineages(peers);
        List<PeerSessions> groups = new ArrayList<>();
        List<BindingChange> bindings = new ArrayList<>();
        for (int p = 0; p < peers; p++) {
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < count / peers; i++) {
                SessionTuple tuple = tuple(x, 10_000 + i, peerAddresses.get(p), 5001);
                sessions.add(new Session(tuple, SessionOrigin.TRACKED, 0));
                bindings.add(new BindingChange(tuple, Optional.of(lineages.get(p)), Optional.empty()));
            }
            groups.add(new PeerSessions(peerAddresses.get(p), sessions));
        }
        Path state = Files.createTempDirectory("sacip-handover-bench-");
        try (TestNamespace ns = TestNamespace.create("hbench");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = new Handover(dataPath, new HandoverStore(state), HandoverEvents.NONE,
                        Optional.empty(), observer(), Clock.systemUTC())) {
            handover.resume(new HandoverStore.State(List.of(), Map.of()));
            List<AssociationView> home = new ArrayList<>();
            for (int p = 0; p < peers; p++) {
                home.add(view(lineages.get(p), x, peerAddresses.get(p), x, peerAddresses.get(p)));
            }
            long start = System.nanoTime();
            apply(handover, new EngineChange(home, List.of(), List.of(), bindings));
            System.out.printf("A, %,d sessions / %d peers: bound in %.0f ms%n", count, peers, ms(start));
            InetAddress at = x;
            for (int round = 0; round < rounds; round++) {
                InetAddress to = at.equals(x) ? y : x;
                MoveKind kind = to.equals(x) ? MoveKind.RETURN_HOME : MoveKind.MAKE_BEFORE_BREAK;
                start = System.nanoTime();
                handover.execute(new MovePlan(kind, x, at, to, 2, "up", groups, Instant.now(), false))
                        .get(WAIT_SECONDS, TimeUnit.SECONDS);
                double moved = ms(start);
                start = System.nanoTime();
                List<CompletableFuture<Set<Octets>>> answers = new ArrayList<>();
                for (int p = 0; p < peers; p++) {
                    AssociationView confirmed = view(lineages.get(p), x, peerAddresses.get(p), to,
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
        }
    }

    /** Host B: sessions from each of its peer addresses to A's X; A moves to Y and back, checked per lineage. */
    private static void peerSide(int count, int peers, int rounds) throws Exception {
        InetAddress x = ip("198.18.1.2");
        InetAddress y = ip("198.18.2.2");
        List<InetAddress> ours = peerAddresses(peers);
        List<Octets> lineages = lineages(peers);
        List<BindingChange> bindings = new ArrayList<>();
        for (int p = 0; p < peers; p++) {
            for (int i = 0; i < count / peers; i++) {
                bindings.add(new BindingChange(tuple(ours.get(p), 5001, x, 10_000 + i), Optional.of(lineages.get(p)),
                        Optional.empty()));
            }
        }
        Path state = Files.createTempDirectory("sacip-handover-bench-");
        try (TestNamespace ns = TestNamespace.create("hbench");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = new Handover(dataPath, new HandoverStore(state), HandoverEvents.NONE,
                        Optional.empty(), observer(), Clock.systemUTC())) {
            handover.resume(new HandoverStore.State(List.of(), Map.of()));
            List<AssociationView> home = new ArrayList<>();
            for (int p = 0; p < peers; p++) {
                home.add(view(lineages.get(p), ours.get(p), x, ours.get(p), x));
            }
            long start = System.nanoTime();
            apply(handover, new EngineChange(home, List.of(), List.of(), bindings));
            System.out.printf("B, %,d sessions / %d lineages: bound in %.0f ms%n", count, peers, ms(start));
            InetAddress at = x;
            for (int round = 0; round < rounds; round++) {
                InetAddress to = at.equals(x) ? y : x;
                start = System.nanoTime();
                List<CompletableFuture<Set<Octets>>> commits = new ArrayList<>();
                for (int p = 0; p < peers; p++) {
                    AssociationView moved = view(lineages.get(p), ours.get(p), x, ours.get(p), to);
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

    private static AssociationView view(Octets lineage, InetAddress local, InetAddress peer, InetAddress confirmed,
            InetAddress peerCurrent) {
        return new AssociationView(lineage, lineage, SacipAddress.of(local), SacipAddress.of(peer),
                SacipAddress.of(confirmed), SacipAddress.of(confirmed), SacipAddress.of(peerCurrent), true,
                Instant.now(), 1, 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), false, false,
                false, false);
    }

    private static void apply(Handover handover, EngineChange change) throws Exception {
        handover.apply(change).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static Handover.Observer observer() {
        return new Handover.Observer() {
            @Override
            public void addresses(Set<InetAddress> ghosts, Set<InetAddress> sendingFrom) {
            }

            @Override
            public void movesOver(Set<InetAddress> originals) {
            }
        };
    }

    private static long usedAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static SessionTuple tuple(InetAddress local, int localPort, InetAddress remote, int remotePort) {
        return new SessionTuple(SessionProtocol.TCP, new Endpoint(local, localPort), new Endpoint(remote, remotePort));
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
