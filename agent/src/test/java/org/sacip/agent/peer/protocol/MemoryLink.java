package org.sacip.agent.peer.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpFraming;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * A lossless (unless told otherwise) link between engines in one test: a message to an address goes to the engine
 * that owns it. Records everything sent, with how the engine asked for it to be sent, so tests can check what went
 * out and replay or mutate real messages. SACIP over UDP travels too: every engine's agent port is
 * {@link #AGENT_PORT}.
 */
final class MemoryLink {
    static final int AGENT_PORT = 4253;
    /** The port a NAT ({@link #nat}) maps the inside host's agent port to, until {@link #rebind}. */
    static final int NAT_PORT = 61000;
    private int natPort = NAT_PORT;

    /** {@code icmp}: the ICMP message, or the UDP payload when {@code udpPort} (its destination port) is not 0. */
    record Packet(SacipAddress from, SacipAddress to, byte[] icmp, boolean answer, boolean unproven, int udpPort) {
        int kind() {
            return icmp[udpPort == 0 ? 9 : UdpFraming.SACIP_PART_OFFSET + 5] & 0xFF;
        }

        boolean overUdp() {
            return udpPort != 0;
        }

        SacipMessage decode() throws SacipCodecException {
            return udpPort == 0 ? SacipDecoder.decode(icmp, from, to) : UdpDecoder.decode(icmp, from, to).message();
        }
    }

    private final Map<SacipAddress, PeerProtocol> owners = new HashMap<>();
    private final List<Packet> sent = new ArrayList<>();
    private Predicate<Packet> lose = packet -> false;
    private Predicate<Packet> hold = packet -> false;
    private final List<Packet> held = new ArrayList<>();
    private SacipAddress natInside;
    private SacipAddress natPublic;
    private boolean natPassesIcmp;

    void own(SacipAddress address, PeerProtocol engine) {
        owners.put(address, engine);
    }

    void disown(SacipAddress address) {
        owners.remove(address);
    }

    /** Packets matching {@code rule} are lost from now on. */
    void lose(Predicate<Packet> rule) {
        this.lose = rule;
    }

    Outbox outbox() {
        return message -> {
            Packet packet = new Packet(message.from(), message.to(), message.octets().clone(), message.answer(),
                    message.unproven(), message.udpPort());
            sent.add(packet);
            if (hold.test(packet)) {
                held.add(packet);
                return;
            }
            deliver(packet);
        };
    }

    /**
     * Puts {@code inside} behind a NAT with the public address {@code publicAddress}, as a home router does: its UDP
     * datagrams leave from publicAddress:{@link #NAT_PORT} and the answers to that endpoint come back to it; its
     * SACIP ICMP messages are lost (NATs do not translate those types), and nothing else reaches it.
     */
    void nat(SacipAddress inside, SacipAddress publicAddress) {
        natInside = inside;
        natPublic = publicAddress;
        natPort = NAT_PORT;
        natPassesIcmp = false;
    }

    /**
     * As Linux's conntrack does with ICMP types it does not know: the inside host's SACIP ICMP leaves the NAT
     * untranslated, from its private address; answers to that address are still lost (it does not route there).
     */
    void natPassesIcmpUntranslated() {
        natPassesIcmp = true;
    }

    /** The NAT forgets its mapping and makes another: the inside host's datagrams leave from {@code port} now. */
    void rebind(int port) {
        natPort = port;
    }

    private void deliver(Packet packet) {
        if (natInside != null && (packet.from().equals(natInside) || packet.to().equals(natInside)
                || packet.to().equals(natPublic))) {
            throughNat(packet);
            return;
        }
        PeerProtocol owner = owners.get(packet.to());
        if (owner != null && !lose.test(packet)) {
            if (packet.overUdp()) {
                owner.receiveUdp(packet.from(), AGENT_PORT, packet.to(), packet.udpPort(), packet.icmp());
            } else {
                owner.receive(packet.from(), packet.to(), packet.icmp());
            }
        }
    }

    private void throughNat(Packet packet) {
        if (natPassesIcmp && !packet.overUdp() && packet.from().equals(natInside) && !lose.test(packet)) {
            PeerProtocol owner = owners.get(packet.to());
            if (owner != null) {
                owner.receive(packet.from(), packet.to(), packet.icmp());
            }
            return;
        }
        if (!packet.overUdp() || lose.test(packet)) {
            return;
        }
        if (packet.from().equals(natInside)) {
            PeerProtocol owner = owners.get(packet.to());
            if (owner != null) {
                owner.receiveUdp(natPublic, natPort, packet.to(), packet.udpPort(), packet.icmp());
            }
        } else if (packet.to().equals(natPublic) && packet.udpPort() == natPort) {
            owners.get(natInside).receiveUdp(packet.from(), AGENT_PORT, natInside, AGENT_PORT, packet.icmp());
        }
    }

    /** Packets matching {@code rule} wait on the wire until {@link #release()} (so that two can cross). */
    void hold(Predicate<Packet> rule) {
        this.hold = rule;
    }

    /** Stops holding and delivers what was held, in the order it was sent. */
    void release() {
        hold = packet -> false;
        List<Packet> waiting = List.copyOf(held);
        held.clear();
        waiting.forEach(this::deliver);
    }

    /** Injects a packet as if it came over the link (an attacker's or a replay). */
    void inject(SacipAddress from, SacipAddress to, byte[] icmp) {
        owners.get(to).receive(from, to, icmp);
    }

    /** Injects a UDP payload as if it came over the link from {@code from}:{@code fromPort} (a NAT's, say). */
    void injectUdp(SacipAddress from, int fromPort, SacipAddress to, int toPort, byte[] payload) {
        owners.get(to).receiveUdp(from, fromPort, to, toPort, payload);
    }

    List<Packet> sent() {
        return List.copyOf(sent);
    }

    List<Packet> sent(MessageKind kind) {
        return sent.stream().filter(p -> p.kind() == kind.code()).toList();
    }

    long count(MessageKind kind) {
        return sent(kind).size();
    }

    void clear() {
        sent.clear();
    }
}
