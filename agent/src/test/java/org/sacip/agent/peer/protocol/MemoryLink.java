package org.sacip.agent.peer.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.sacip.protocol.message.SacipAddress;

/**
 * A lossless (unless told otherwise) link between engines in one test: a message to an address goes to the engine
 * that owns it. Records everything sent, so tests can replay or mutate real messages.
 */
final class MemoryLink {
    record Packet(SacipAddress from, SacipAddress to, byte[] icmp) {
        int kind() {
            return icmp[9] & 0xFF;
        }
    }

    private final Map<SacipAddress, PeerProtocol> owners = new HashMap<>();
    private final List<Packet> sent = new ArrayList<>();
    private Predicate<Packet> lose = packet -> false;

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

    PeerLink endpoint() {
        return (from, to, icmp) -> {
            Packet packet = new Packet(from, to, icmp.clone());
            sent.add(packet);
            PeerProtocol owner = owners.get(to);
            if (owner != null && !lose.test(packet)) {
                owner.receive(from, to, icmp);
            }
        };
    }

    /** Injects a packet as if it came over the link (an attacker's or a replay). */
    void inject(SacipAddress from, SacipAddress to, byte[] icmp) {
        owners.get(to).receive(from, to, icmp);
    }

    List<Packet> sent() {
        return List.copyOf(sent);
    }

    long count(int kind) {
        return sent.stream().filter(p -> p.kind() == kind).count();
    }
}
