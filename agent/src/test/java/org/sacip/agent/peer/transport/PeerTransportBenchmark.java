package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Prints figures for the transport and its sender between two namespaces on a veth link: the first message with an
 * empty neighbour cache (the sender waits while the kernel runs ARP / neighbour discovery), then per message the
 * hand-over to the sender and the time from hand-over to delivery (sender thread: route and neighbour lookup,
 * frame, inject; capture, which calls the listener on its own thread), one message in flight at a time, IPv4 and IPv6;
 * then a burst without waiting, with what the sender's bounded queue dropped. Run: {@code mvn -B -q -o -pl agent
 * exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.sacip.agent.peer.transport.PeerTransportBenchmark}.
 */
public final class PeerTransportBenchmark {
    private static final int ROUNDS = 2000;
    private static final int BURST = 5000;

    private PeerTransportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TransportSettings settings = TransportSettings.defaults();
        try (TestNamespace a = TestNamespace.create("pa"); TestNamespace b = TestNamespace.create("pb")) {
            a.disableDad();
            b.disableDad();
            String aLink = TestNamespace.interfaceName("a0");
            String bLink = TestNamespace.interfaceName("b0");
            a.linkTo(b, aLink, bLink);
            a.addAddresses(aLink, "198.18.1.1/24", "2001:db8:1::1/64");
            b.addAddresses(bLink, "198.18.1.2/24", "2001:db8:1::2/64");
            BlockingQueue<ReceivedMessage> received = new LinkedBlockingQueue<>();
            try (HostTransport sender = HostTransport.startIn(a, settings, message -> { });
                    HostTransport receiver = HostTransport.startIn(b, settings, received::add)) {
                for (String[] pair : new String[][] {{"198.18.1.1", "198.18.1.2"},
                        {"2001:db8:1::1", "2001:db8:1::2"}}) {
                    measure(sender, receiver, received, InetAddress.getByName(pair[0]),
                            InetAddress.getByName(pair[1]));
                }
            }
        }
    }

    private static void measure(HostTransport sender, HostTransport receiver, BlockingQueue<ReceivedMessage> received,
            InetAddress local, InetAddress peer) throws Exception {
        byte[] icmp = Transports.encode(Transports.hello(), local, peer);
        long start = System.nanoTime();
        sender.send(local, peer, icmp);
        take(received);
        System.out.printf("%s first message, empty neighbour cache: %.2f ms to delivery%n", family(local),
                (System.nanoTime() - start) / 1e6);
        long[] handOver = new long[ROUNDS];
        long[] delivery = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long before = System.nanoTime();
            sender.send(local, peer, icmp);
            long handedOver = System.nanoTime();
            take(received);
            long deliveredAt = System.nanoTime();
            handOver[round] = handedOver - before;
            delivery[round] = deliveredAt - before;
        }
        System.out.printf("%s hand-over to the sender: %s; hand-over to delivery: %s (%d rounds)%n", family(local),
                stats(handOver), stats(delivery), ROUNDS);
        long deliveredBefore = receiver.transport().counters().delivered();
        long senderFullBefore = sender.unsent(Sender.Unsent.QUEUE_FULL);
        long sentBefore = sender.sender().sent();
        long burstStart = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            sender.send(local, peer, icmp);
        }
        long burstHandedOver = System.nanoTime();
        int got = 0;
        while (got < BURST && received.poll(1, TimeUnit.SECONDS) != null) {
            got++;
        }
        double seconds = (System.nanoTime() - burstStart) / 1e9;
        System.out.printf("%s burst of %d: handed over at %.0f msg/s, %d sent (%d dropped in the sender's queue),"
                + " %d delivered in %.2f s%n", family(local), BURST,
                BURST / ((burstHandedOver - burstStart) / 1e9), sender.sender().sent() - sentBefore,
                sender.unsent(Sender.Unsent.QUEUE_FULL) - senderFullBefore,
                receiver.transport().counters().delivered() - deliveredBefore, seconds);
    }

    private static void take(BlockingQueue<ReceivedMessage> received) throws InterruptedException {
        if (received.poll(10, TimeUnit.SECONDS) == null) {
            throw new IllegalStateException("message not delivered within 10 s");
        }
    }

    private static String family(InetAddress address) {
        return address.getAddress().length == 4 ? "IPv4" : "IPv6";
    }

    private static String stats(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("median %.1f us, p99 %.1f us", sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3);
    }
}
