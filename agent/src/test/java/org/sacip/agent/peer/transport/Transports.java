package org.sacip.agent.peer.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.pcap4j.core.PcapHandle;
import org.sacip.netlink.conntrack.ConntrackAccounting;
import org.sacip.netlink.testing.LinkedNamespaces;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * What the transport tests share: their settings, waiting on state, messages and their check on arrival, raw frames,
 * and what the kernel of a namespace shows.
 */
public final class Transports {
    /** Every interface, a queue big enough for every test but the one about it. */
    public static final TransportSettings SETTINGS = new TransportSettings(InterfaceSelection.all());
    /** Far beyond the sender's own waits (3 s for a next hop or a budget), for a loaded machine. */
    public static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Random RANDOM = new Random(7);

    private Transports() {
    }

    /** One entry of a namespace's neighbour table, as {@code ip -j neigh} shows it. */
    public record Neighbour(InetAddress address, String device, Set<String> states) {
    }

    /**
     * Waits until {@code condition} holds; fails after {@link #PATIENCE} saying what was awaited and, from
     * {@code state}, what there was instead.
     */
    public static void await(BooleanSupplier condition, String awaited, Supplier<?> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + awaited + "; have "
                        + state.get());
            }
            Thread.sleep(5);
        }
    }

    /** Every neighbour entry of the namespace, of both families, in any state. */
    public static List<Neighbour> neighbours(TestNamespace namespace) throws IOException {
        List<Neighbour> entries = new ArrayList<>();
        String shown = namespace.exec("ip", "-j", "neigh", "show");
        if (shown.isBlank()) {
            return entries;
        }
        for (JsonNode entry : JSON.readTree(shown)) {
            Set<String> states = new HashSet<>();
            entry.path("state").forEach(state -> states.add(state.asText()));
            entries.add(new Neighbour(InetAddress.getByName(entry.path("dst").asText()), entry.path("dev").asText(),
                    states));
        }
        return entries;
    }

    /** The namespace's neighbour entry for {@code address}, if it has one in any state. */
    public static Optional<Neighbour> neighbour(TestNamespace namespace, InetAddress address) throws IOException {
        return neighbours(namespace).stream().filter(n -> n.address().equals(address)).findFirst();
    }

    /** A HELLO with a fresh nonce: a real SACIP message of fixed length. */
    public static SacipMessage hello() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return new Hello(Octets.of(nonce));
    }

    public static byte[] encode(SacipMessage message, InetAddress from, InetAddress to) {
        return SacipEncoder.encode(message, SacipAddress.of(from), SacipAddress.of(to));
    }

    /** The message arrived on {@code interfaceName} with these outer addresses, these exact bytes and content. */
    public static void assertReceived(ReceivedMessage received, String interfaceName, InetAddress source,
            InetAddress destination, byte[] icmp, SacipMessage message) throws Exception {
        assertEquals(interfaceName, received.interfaceName());
        assertEquals(source, received.source());
        assertEquals(destination, received.destination());
        assertArrayEquals(icmp, received.icmp());
        assertEquals(message, SacipDecoder.decode(received.icmp(), SacipAddress.of(source),
                SacipAddress.of(destination)));
    }

    /** The way out of {@code link} to {@code destinationMac}, read from the kernel without resolving anything. */
    static NextHop hop(TestNamespace namespace, String link, byte[] destinationMac) throws IOException {
        return new NextHop(LinkedNamespaces.interfaceIndex(namespace, link), link, LinkFraming.ETHERNET,
                mac(namespace, link), destinationMac);
    }

    /** Sends whole frames out of {@code link} with a pcap handle of the test's own, in order. */
    static void inject(TestNamespace namespace, String link, List<byte[]> frames) throws Exception {
        PcapLibrary.ensureConfigured();
        PcapHandle injector = namespace.netNamespace().call(() -> new PcapHandle.Builder(link)
                .immediateMode(true).timeoutMillis(50).build());
        try {
            for (byte[] frame : frames) {
                injector.sendPacket(frame);
            }
        } finally {
            injector.close();
        }
    }

    /**
     * Makes conntrack follow the namespace's flows with byte counters, as on an agent's host: conntrack runs in a
     * namespace once a rule needs it, and the agent turns accounting on. Only flows that begin afterwards count.
     */
    public static void trackConnections(TestNamespace namespace) throws Exception {
        namespace.exec("nft", "add table inet track; add chain inet track out { type filter hook output priority 0; };"
                + " add rule inet track out ct state new counter");
        ConntrackAccounting.setEnabled(namespace.netNamespace(), true);
    }

    /** The MAC address of an interface of the namespace. */
    public static byte[] mac(TestNamespace namespace, String link) throws IOException {
        return HexFormat.ofDelimiter(":").parseHex(namespace.exec("cat", "/sys/class/net/" + link + "/address")
                .trim());
    }
}
