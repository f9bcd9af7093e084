package org.sacip.agent.datapath;

import org.sacip.netlink.testing.TestNamespace;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Prints how long the data path takes, in a throwaway namespace, for N sessions of one moved address (N = 100,
 * 1,000, 10,000): the local move's first transaction (indst entries, ghost activation, reset blocks), the
 * confirmation (outsrc entries), and, over 20 rounds, the guard's repair after {@code nft flush ruleset}, from
 * the end of the nft command to the repaired state. Run: {@code mvn -B -q -o -pl agent exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=org.sacip.agent.datapath.DataPathBenchmark}.
 */
public final class DataPathBenchmark {
    private static final int FLUSH_ROUNDS = 20;

    private DataPathBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        for (int sessions : new int[] {100, 1_000, 10_000}) {
            run(sessions);
        }
    }

    private static void run(int count) throws Exception {
        InetAddress x = InetAddress.getByName("198.18.1.1");
        InetAddress y = InetAddress.getByName("198.18.1.11");
        List<Remapping> announced = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            InetAddress peer = InetAddress.getByAddress(new byte[] {(byte) 198, 18, (byte) (2 + i / 250 % 10),
                    (byte) (1 + i % 250)});
            SessionTuple session = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 20000 + i),
                    new Endpoint(peer, 443));
            announced.add(Remapping.localMoveAnnounced(session, y));
        }
        List<Remapping> confirmed = announced.stream().map(Remapping::confirmed).toList();
        try (TestNamespace ns = TestNamespace.create("bench"); DataPath path = DataPath.open(ns.netNamespace())) {
            path.install();
            long start = System.nanoTime();
            path.apply(announced);
            long announce = System.nanoTime() - start;
            start = System.nanoTime();
            path.syncResetBlocks();
            long blocks = System.nanoTime() - start;
            start = System.nanoTime();
            path.apply(confirmed);
            long confirm = System.nanoTime() - start;
            System.out.printf("%,d sessions: local move announced (indst + ghost) %.1f ms, its reset blocks after it"
                    + " %.1f ms, confirmed (outsrc) %.1f ms%n", count, announce / 1e6, blocks / 1e6, confirm / 1e6);

            double[] repairs = new double[FLUSH_ROUNDS];
            try (DataPathGuard guard = DataPathGuard.start(path)) {
                for (int round = 0; round < FLUSH_ROUNDS; round++) {
                    long before = path.restoreCount();
                    ns.exec("nft", "flush", "ruleset");
                    long flushed = System.nanoTime();
                    while (path.restoreCount() == before) {
                        Thread.sleep(0, 200_000);
                    }
                    repairs[round] = (System.nanoTime() - flushed) / 1e6;
                }
            }
            Arrays.sort(repairs);
            System.out.printf("%,d sessions: repair after nft flush ruleset over %d rounds: median %.1f ms,"
                    + " p99 %.1f ms, max %.1f ms%n", count, FLUSH_ROUNDS, repairs[FLUSH_ROUNDS / 2],
                    repairs[(int) Math.ceil(FLUSH_ROUNDS * 0.99) - 1], repairs[FLUSH_ROUNDS - 1]);
            path.flush();
        }
    }
}
