package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.peer.protocol.Outbound;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkLayer;
import org.sacip.netlink.route.RtnetlinkClient;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;

/**
 * One host's SACIP transport wired as the agent wires it, inside a test namespace: a {@link PeerTransport} capturing
 * there, a {@link Sender} sending through it, the namespace's interface addresses as its {@link LocalAddresses}, an
 * {@link AmplificationLedger}, and the namespace's conntrack counters as the kernel's evidence. Made in two steps as
 * in the agent, so an engine can take the sender as its outbox before the capture delivers to it.
 */
public final class HostTransport implements AutoCloseable {
    private static final int LEDGER_ADDRESSES = 1024;

    private final TestNamespace namespace;
    private final LocalAddresses addresses = new LocalAddresses();
    private final AmplificationLedger ledger = new AmplificationLedger(LEDGER_ADDRESSES);
    private final PeerTransport transport;
    private final KernelReceivedOctets kernelOctets;
    private final Sender sender;
    /** The agent port's sockets, or null without SACIP over UDP. */
    private final UdpPeerTransport udp;

    private HostTransport(TestNamespace namespace, TransportSettings settings, KernelReceivedOctets kernelOctets,
            int udpPort) {
        this.namespace = namespace;
        this.transport = new PeerTransport(settings, addresses, ledger);
        this.kernelOctets = kernelOctets;
        this.udp = udpPort == 0 ? null : new UdpPeerTransport(udpPort, addresses, ledger);
        this.sender = new Sender(transport, Optional.ofNullable(udp), addresses, ledger, kernelOctets);
    }

    /** Everything made, nothing started; the addresses the namespace's interfaces hold now are ours. */
    public static HostTransport openIn(TestNamespace namespace, TransportSettings settings) throws Exception {
        return openIn(namespace, settings, 0);
    }

    /** As {@link #openIn(TestNamespace, TransportSettings)}, with SACIP over UDP on {@code udpPort} (0: off). */
    public static HostTransport openIn(TestNamespace namespace, TransportSettings settings, int udpPort)
            throws Exception {
        KernelReceivedOctets kernelOctets = namespace.netNamespace().call(KernelReceivedOctets::open);
        HostTransport host = new HostTransport(namespace, settings, kernelOctets, udpPort);
        try {
            host.readAddresses();
        } catch (Exception | Error e) {
            host.close();
            throw e;
        }
        return host;
    }

    /** Opens and starts at once. */
    public static HostTransport startIn(TestNamespace namespace, TransportSettings settings,
            PeerMessageListener listener) throws Exception {
        HostTransport host = openIn(namespace, settings);
        try {
            host.start(listener);
        } catch (Exception | Error e) {
            host.close();
            throw e;
        }
        return host;
    }

    /** Starts capturing (to {@code listener}) and sending, from a thread inside the namespace, as the agent does. */
    public void start(PeerMessageListener listener) throws Exception {
        namespace.netNamespace().call(() -> {
            transport.start(listener);
            sender.start();
            return null;
        });
    }

    /** Opens the agent port inside the namespace and delivers its datagrams to {@code listener}. */
    public void startUdp(UdpMessageListener listener) throws Exception {
        if (udp == null) {
            throw new IllegalStateException("opened without SACIP over UDP");
        }
        namespace.netNamespace().call(() -> {
            udp.start(listener);
            return null;
        });
    }

    /**
     * Takes the addresses on the namespace's interfaces other than loopback as ours (as the agent takes its usable
     * addresses); call it after adding or removing one. Ghosts are set apart through {@link #addresses()}.
     */
    public void readAddresses() throws Exception {
        Set<InetAddress> held = new HashSet<>();
        try (RtnetlinkClient client = RtnetlinkClient.open(namespace.netNamespace())) {
            Set<Integer> loopbacks = new HashSet<>();
            for (LinkInfo link : client.links()) {
                if (link.linkLayer() == LinkLayer.LOOPBACK) {
                    loopbacks.add(link.index());
                }
            }
            for (InterfaceAddress address : client.addresses()) {
                if (!loopbacks.contains(address.interfaceIndex())) {
                    held.add(address.address());
                }
            }
        }
        addresses.interfaces(held);
    }

    /** Hands the sender a plain request: its next hop may be resolved, its peer has proved its address. */
    public void send(InetAddress from, InetAddress to, byte[] icmp) {
        send(from, to, icmp, false, false, List.of());
    }

    /** Hands the sender one message, sent as {@link Outbound} says for these flags; its kind is read from it. */
    public void send(InetAddress from, InetAddress to, byte[] icmp, boolean answer, boolean unproven,
            List<SessionTuple> evidence) {
        MessageKind kind = icmp.length > 9 ? MessageKind.fromCode(icmp[9] & 0xFF).orElse(MessageKind.HELLO)
                : MessageKind.HELLO;
        sender.send(new Outbound(SacipAddress.of(from), SacipAddress.of(to), icmp, kind, answer, unproven,
                evidence));
    }

    /** The agent port's sockets (opened with a UDP port, started with {@link #startUdp}). */
    public UdpPeerTransport udp() {
        return udp;
    }

    public TestNamespace namespace() {
        return namespace;
    }

    public PeerTransport transport() {
        return transport;
    }

    public Sender sender() {
        return sender;
    }

    public LocalAddresses addresses() {
        return addresses;
    }

    public AmplificationLedger ledger() {
        return ledger;
    }

    /** Messages the sender gave up for {@code reason} so far. */
    public long unsent(Sender.Unsent reason) {
        return sender.unsent().get(reason);
    }

    /** The sender first (it uses the transport), the transport, the conntrack socket; each even if one fails. */
    @Override
    public void close() {
        try {
            sender.close();
        } finally {
            try {
                transport.close();
            } finally {
                try {
                    if (udp != null) {
                        udp.close();
                    }
                } finally {
                    kernelOctets.close();
                }
            }
        }
    }
}
