package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Prints how long the data path takes, in throwaway namespaces. First, for N sessions of one moved address (N = 100,
 * 1,000, 10,000): the local move's first commit (indst entries, ghost activation and its flows), the confirmation
 * (outsrc entries), and, over 20 rounds, the guard's repair after {@code nft flush ruleset}, from the end of the nft
 * command to the repaired state. Then at scale: the install of 100,000 remapped sessions (a restart), one commit
 * changing one session among them, one changing 10,000, the maintenance that makes those 10,000 peers' old tuples
 * stale once the grace period is over, the element count, and the repair after {@code nft flush ruleset} by
 * {@code restore()} alone and by the guard. Figures only: nothing here is asserted. Run:
 * {@code mvn -B -q -o -pl agent exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.agent.datapath.DataPathBenchmark}.
 */
public final class DataPathBenchmark {
    private static final int FLUSH_ROUNDS = 20;
    private static final int SCALE = 100_000;
    private static final int SCALE_CHANGE = 10_000;
    private static final int SCALE_FLUSH_ROUNDS = 3;
    private static final InetAddress X = Addresses.parse("198.18.1.1");
    private static final InetAddress Y = Addresses.parse("198.18.1.11");

    private DataPathBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        for (int sessions : new int[] {100, 1_000, 10_000}) {
            move(sessions);
        }
        scale();
    }

    /** Sessions from X:port to distinct peers in 198.18.2.0 - 198.19.255.0, at most 50,000 per peer. */
    private static List<SessionTuple> sessions(int count) throws Exception {
        List<SessionTuple> sessions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int peer = i % 250;
            int net = 2 + i / 250 % 500;
            InetAddress address = InetAddress.getByAddress(new byte[] {(byte) 198, (byte) (18 + net / 256),
                    (byte) (net % 256), (byte) (1 + peer)});
            sessions.add(new SessionTuple(SessionProtocol.TCP, new Endpoint(X, 1024 + i % 50_000),
                    new Endpoint(address, 443 + i / 125_000)));
        }
        return sessions;
    }

    /** The new address of the {@code n}th peer to move, in 198.19.200.0/21. */
    private static InetAddress movedPeer(int n) throws Exception {
        return InetAddress.getByAddress(new byte[] {(byte) 198, 19, (byte) (200 + n / 250), (byte) (1 + n % 250)});
    }

    private static void move(int count) throws Exception {
        List<SessionTuple> sessions = sessions(count);
        List<Remapping> announced = sessions.stream().map(s -> Moves.announced(s, Y)).toList();
        List<Remapping> confirmed = sessions.stream().map(s -> Moves.confirmed(s, Y)).toList();
        TestClock clock = new TestClock();
        try (TestNamespace ns = TestNamespace.create("bench");
                DataPath path = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), clock)) {
            path.install();
            path.commit(List.of(), List.of(GhostChange.hold(X, new HashSet<>(sessions))), List.of());
            long start = System.nanoTime();
            path.commit(announced, List.of(GhostChange.activity(X, true)), List.of());
            long announce = System.nanoTime() - start;
            start = System.nanoTime();
            path.commit(confirmed, List.of(), List.of());
            long confirm = System.nanoTime() - start;
            System.out.printf("%,d sessions: local move announced (indst, ghost and its flows) %.1f ms,"
                    + " confirmed (outsrc) %.1f ms, %,d elements%n", count, announce / 1e6, confirm / 1e6,
                    path.elementCount());
            double[] repairs = repairs(ns, path, FLUSH_ROUNDS);
            System.out.printf("%,d sessions: the guard's repair after nft flush ruleset over %d rounds: median"
                    + " %.1f ms, p99 %.1f ms, max %.1f ms; restore() alone %.1f ms%n", count, repairs.length,
                    repairs[repairs.length / 2], repairs[(int) Math.ceil(repairs.length * 0.99) - 1],
                    repairs[repairs.length - 1], directRestore(ns, path));
            path.flush();
        }
    }

    private static void scale() throws Exception {
        List<SessionTuple> sessions = sessions(SCALE);
        List<Remapping> state = sessions.stream().map(s -> Moves.confirmed(s, Y)).toList();
        Ghost ghost = new Ghost(X, true, Set.copyOf(sessions));
        TestClock clock = new TestClock();
        try (TestNamespace ns = TestNamespace.create("bench");
                DataPath path = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), clock)) {
            long start = System.nanoTime();
            path.install(state, List.of(ghost));
            long install = System.nanoTime() - start;
            System.out.printf("%,d sessions: install of their remappings and ghost %.1f ms, %,d elements"
                    + " (%,d in the kernel)%n", SCALE, install / 1e6, path.elementCount(),
                    KernelState.elementCount(ns));

            // Peers move, each to an address of its own (two peers on one address could share a wire tuple).
            start = System.nanoTime();
            path.commit(List.of(new Remapping(sessions.get(SCALE / 2 + 1), Y, Y, movedPeer(SCALE_CHANGE))),
                    List.of(), List.of());
            long one = System.nanoTime() - start;
            List<Remapping> many = new ArrayList<>(SCALE_CHANGE);
            for (int i = 0; i < SCALE_CHANGE; i++) {
                SessionTuple session = sessions.get(i * (SCALE / SCALE_CHANGE));
                many.add(new Remapping(session, Y, Y, movedPeer(i)));
            }
            start = System.nanoTime();
            path.commit(many, List.of(), List.of());
            long tenThousand = System.nanoTime() - start;
            System.out.printf("%,d sessions: a commit changing one of them %.1f ms, one changing %,d %.1f ms%n",
                    SCALE, one / 1e6, SCALE_CHANGE, tenThousand / 1e6);

            clock.passLinger();
            start = System.nanoTime();
            path.maintain();
            long maintain = System.nanoTime() - start;
            start = System.nanoTime();
            path.maintain();
            long idle = System.nanoTime() - start;
            System.out.printf("%,d sessions: maintain() making %,d moved peers' old tuples stale %.1f ms, then with"
                    + " nothing due %.1f ms; %,d elements (%,d in the kernel)%n", SCALE, SCALE_CHANGE + 1,
                    maintain / 1e6, idle / 1e6, path.elementCount(), KernelState.elementCount(ns));
            System.out.printf("%,d sessions: restore() after nft flush ruleset %.1f ms%n", SCALE,
                    directRestore(ns, path));
            double[] repairs = repairs(ns, path, SCALE_FLUSH_ROUNDS);
            System.out.printf("%,d sessions: the guard's repair after nft flush ruleset over %d rounds: min %.1f"
                    + " ms, max %.1f ms%n", SCALE, repairs.length, repairs[0], repairs[repairs.length - 1]);
            path.flush();
        }
    }

    /** How long one round waits for the guard before it counts as missed. */
    private static final long ROUND_LIMIT_NANOS = 30_000_000_000L;

    /**
     * The guard's repair times after {@code nft flush ruleset}, sorted; a round the guard does not repair within
     * 30 s is reported, repaired by a direct {@link DataPath#restore()} and left out of the figures.
     */
    private static double[] repairs(TestNamespace ns, DataPath path, int rounds) throws Exception {
        double[] repairs = new double[rounds];
        int measured = 0;
        try (DataPathGuard guard = DataPathGuard.start(path)) {
            for (int round = 0; round < rounds; round++) {
                long before = path.restoreCount();
                ns.exec("nft", "flush", "ruleset");
                long flushed = System.nanoTime();
                while (path.restoreCount() == before && System.nanoTime() - flushed < ROUND_LIMIT_NANOS) {
                    Thread.sleep(0, 200_000);
                }
                if (path.restoreCount() == before) {
                    System.out.printf("  round %d: the guard did not repair within 30 s; restored directly%n",
                            round + 1);
                    path.restore();
                } else {
                    repairs[measured++] = (System.nanoTime() - flushed) / 1e6;
                }
            }
        }
        if (measured == 0) {
            throw new IllegalStateException("the guard repaired in none of " + rounds + " rounds");
        }
        double[] figures = Arrays.copyOf(repairs, measured);
        Arrays.sort(figures);
        return figures;
    }

    /** A direct {@link DataPath#restore()} after {@code nft flush ruleset}, without the guard. */
    private static double directRestore(TestNamespace ns, DataPath path) throws Exception {
        ns.exec("nft", "flush", "ruleset");
        long start = System.nanoTime();
        if (!path.restore()) {
            throw new IllegalStateException("restore() found nothing to repair after nft flush ruleset");
        }
        return (System.nanoTime() - start) / 1e6;
    }
}
