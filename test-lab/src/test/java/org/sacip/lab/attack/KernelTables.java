package org.sacip.lab.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/** A host's neighbour table and routing rules as {@code ip -j} prints them inside its namespace. */
final class KernelTables {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KernelTables() {
    }

    /** One neighbour entry: the address, the interface and its states (e.g. [INCOMPLETE], [FAILED], [STALE]). */
    record Neighbour(String address, String device, List<String> states) {
        boolean unresolved() {
            return states.contains("INCOMPLETE") || states.contains("FAILED");
        }

        /** A link-layer address is known: REACHABLE, STALE, DELAY, PROBE or PERMANENT. */
        boolean resolved() {
            return states.stream().anyMatch(state -> List.of("REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT")
                    .contains(state));
        }
    }

    /**
     * Makes the host talk to {@code address} once (a datagram to its discard port) and waits until the host's
     * neighbour entry for it holds a link-layer address, as it does on any host that has used its router.
     */
    static Neighbour resolve(Lab lab, String host, InetAddress address) {
        try {
            NetNamespace.named(lab.ns(host)).call(() -> {
                try (DatagramChannel channel = DatagramChannel.open(ProtocolFamilies.of(address))) {
                    channel.send(ByteBuffer.wrap(new byte[] {0}), new InetSocketAddress(address, 9));
                }
                return null;
            });
        } catch (NetlinkException e) {
            throw new LabException("cannot send from " + host + " to " + address + ": " + e.getMessage(), e);
        }
        String text = Addresses.text(address);
        return Waits.until(host + " resolves the link-layer address of " + text, 10_000,
                () -> neighbours(lab, host).stream().filter(n -> n.address().equals(text)).findFirst(),
                entry -> entry.isPresent() && entry.get().resolved()).orElseThrow();
    }

    static List<Neighbour> neighbours(Lab lab, String host) {
        List<Neighbour> result = new ArrayList<>();
        for (JsonNode entry : json(lab, host, "neigh", "show")) {
            List<String> states = new ArrayList<>();
            entry.path("state").forEach(state -> states.add(state.asText()));
            result.add(new Neighbour(entry.path("dst").asText(), entry.path("dev").asText(), states));
        }
        return result;
    }

    /** The routing rules of one family ("-4" or "-6"). */
    static List<JsonNode> rules(Lab lab, String host, String familyFlag) {
        List<JsonNode> rules = new ArrayList<>();
        json(lab, host, familyFlag, "rule", "show").forEach(rules::add);
        return rules;
    }

    private static JsonNode json(Lab lab, String host, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "-j"));
        full.addAll(List.of(command));
        String text = lab.run(host, full.toArray(String[]::new));
        try {
            JsonNode node = JSON.readTree(text.isBlank() ? "[]" : text);
            if (!node.isArray()) {
                throw new LabException("ip -j " + String.join(" ", command) + " in " + host + " printed no list: " + text);
            }
            return node;
        } catch (IOException e) {
            throw new LabException("ip -j " + String.join(" ", command) + " in " + host + " printed no JSON: " + text, e);
        }
    }
}
