package org.sacip.netlink.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.sacip.netlink.diag.SockDiagClient;
import org.sacip.netlink.diag.SocketFilter;
import org.sacip.netlink.diag.TcpState;
import org.sacip.netlink.diag.TransportProtocol;
import org.sacip.netlink.testing.TestNamespace;

/**
 * A namespace with 10,000 established TCP sockets (5,000 loopback connections), 100 of which involve
 * 198.18.0.2; times the kernel-filtered dump of those 100 (goal at most 50 ms) against an unfiltered dump.
 * Run: {@code mvn -B -q -o -pl netlink exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.netlink.bench.FilteredSocketDumpBenchmark}.
 */
public final class FilteredSocketDumpBenchmark {
    private static final int CONNECTIONS = 5_000;
    private static final int MATCHING_CONNECTIONS = 50;
    private static final int ROUNDS = 50;

    private FilteredSocketDumpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (TestNamespace ns = TestNamespace.create("bd")) {
            ns.exec("ip", "addr", "add", "198.18.0.1/32", "dev", "lo");
            ns.exec("ip", "addr", "add", "198.18.0.2/32", "dev", "lo");
            ns.exec("ip", "addr", "add", "198.18.0.3/32", "dev", "lo");
            List<Socket> sockets = new ArrayList<>();
            long setupStart = System.nanoTime();
            try (ServerSocket server = ns.netNamespace().call(
                    () -> new ServerSocket(0, 128, InetAddress.getByName("198.18.0.1")))) {
                ns.netNamespace().call(() -> {
                    for (int i = 0; i < CONNECTIONS; i++) {
                        Socket client = new Socket();
                        String local = i < MATCHING_CONNECTIONS ? "198.18.0.2" : "198.18.0.3";
                        client.bind(new InetSocketAddress(local, 0));
                        client.connect(server.getLocalSocketAddress());
                        sockets.add(client);
                        sockets.add(server.accept());
                    }
                    return null;
                });
                System.out.printf("set-up: %d established sockets in %.1f s%n", sockets.size(),
                        (System.nanoTime() - setupStart) / 1e9);
                try (SockDiagClient diag = SockDiagClient.open(ns.netNamespace())) {
                    InetAddress moved = InetAddress.getByName("198.18.0.2");
                    Optional<SocketFilter> filter = Optional.of(
                            SocketFilter.localAddress(moved).or(SocketFilter.remoteAddress(moved)));
                    EnumSet<TcpState> established = EnumSet.of(TcpState.ESTABLISHED);
                    int found = 0;
                    int all = 0;
                    long[] filtered = new long[ROUNDS];
                    long[] unfiltered = new long[ROUNDS];
                    for (int warm = 0; warm < 5; warm++) {
                        diag.dump(TransportProtocol.TCP, established, filter);
                    }
                    for (int round = 0; round < ROUNDS; round++) {
                        long start = System.nanoTime();
                        found = diag.dump(TransportProtocol.TCP, established, filter).size();
                        filtered[round] = System.nanoTime() - start;
                        start = System.nanoTime();
                        all = diag.dump(TransportProtocol.TCP, established, Optional.empty()).size();
                        unfiltered[round] = System.nanoTime() - start;
                    }
                    System.out.println("filtered dump (IPv4+IPv6, " + all + " sockets -> " + found + "): "
                            + Stats.summary(filtered));
                    System.out.println("unfiltered dump (" + all + " sockets):                  "
                            + Stats.summary(unfiltered));
                    if (found != 2 * MATCHING_CONNECTIONS) {
                        throw new IllegalStateException("filter found " + found + " sockets, expected 100");
                    }
                }
            } finally {
                for (Socket socket : sockets) {
                    closeQuietly(socket);
                }
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing at the end of a benchmark; nothing to recover
        }
    }
}
