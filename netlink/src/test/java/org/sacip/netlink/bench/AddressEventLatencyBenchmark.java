package org.sacip.netlink.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumSet;
import org.sacip.netlink.route.AddressEvent;
import org.sacip.netlink.route.AddressRequest;
import org.sacip.netlink.route.RtnetlinkClient;
import org.sacip.netlink.route.RtnetlinkEvent;
import org.sacip.netlink.route.RtnetlinkEvents;
import org.sacip.netlink.route.RtnetlinkGroup;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Latency from deleting an address to the typed {@link AddressEvent} in Java, in a throwaway namespace:
 * (1) from starting the {@code ip addr del} command (includes starting the process), (2) from sending our own
 * RTM_DELADDR. Run: {@code mvn -B -q -o -pl netlink exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.netlink.bench.AddressEventLatencyBenchmark}.
 */
public final class AddressEventLatencyBenchmark {
    private static final int ROUNDS = 200;

    private AddressEventLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (TestNamespace ns = TestNamespace.create("bl");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace());
                RtnetlinkEvents events = RtnetlinkEvents.open(ns.netNamespace(),
                        EnumSet.of(RtnetlinkGroup.IPV4_ADDRESS))) {
            String veth = ns.addVethPair("l");
            int index = client.link(veth).orElseThrow().index();
            InetAddress address = InetAddress.getByName("198.18.0.1");
            AddressRequest request = AddressRequest.of(index, address, 24);
            drain(events);

            long[] viaCommand = new long[ROUNDS];
            long[] viaNetlink = new long[ROUNDS];
            for (int round = 0; round < ROUNDS * 2; round++) {
                client.addAddress(request);
                drain(events);
                boolean command = round % 2 == 0;
                long start = System.nanoTime();
                if (command) {
                    ns.exec("ip", "addr", "del", "198.18.0.1/24", "dev", veth);
                } else {
                    client.deleteAddress(request);
                }
                long latency = awaitRemoval(events, start);
                (command ? viaCommand : viaNetlink)[round / 2] = latency;
            }
            System.out.println("event latency, `ip addr del` start -> typed AddressEvent REMOVED: "
                    + Stats.summary(viaCommand));
            System.out.println("event latency, RTM_DELADDR send -> typed AddressEvent REMOVED:    "
                    + Stats.summary(viaNetlink));
        }
    }

    private static long awaitRemoval(RtnetlinkEvents events, long start) throws Exception {
        long deadline = start + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (RtnetlinkEvent event : events.poll(Duration.ofSeconds(1))) {
                if (event instanceof AddressEvent address && address.kind() == AddressEvent.Kind.REMOVED) {
                    return System.nanoTime() - start;
                }
            }
        }
        throw new IllegalStateException("no removal event within 10 s");
    }

    private static void drain(RtnetlinkEvents events) throws Exception {
        while (!events.poll(Duration.ofMillis(5)).isEmpty()) {
            // discard notifications of the set-up
        }
    }
}
