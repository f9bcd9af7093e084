package org.sacip.lab.attack;

import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sacip.protocol.message.MessageKind;

/**
 * What one host's capture says it exchanged with each other address: the SACIP messages it sent to each
 * destination (count and octets, per kind too), and everything it received from each source, any protocol.
 * Built from a complete capture (after {@link PacketTap#sync}), so the counts are the host's own.
 */
final class TrafficLedger {
    private final Map<InetAddress, Tally> sacipSent = new HashMap<>();
    private final Map<InetAddress, Map<MessageKind, Tally>> sacipSentByKind = new HashMap<>();
    private final Map<InetAddress, Tally> sent = new HashMap<>();
    private final Map<InetAddress, Tally> received = new HashMap<>();
    private final Map<InetAddress, Tally> sacipReceived = new HashMap<>();

    TrafficLedger(List<CapturedPacket> packets) {
        for (CapturedPacket packet : packets) {
            if (PacketTap.isMarker(packet)) {
                continue;
            }
            var sacip = SacipPacket.of(packet);
            if (packet.direction() == CapturedPacket.Direction.OUTBOUND) {
                sent.merge(packet.destination(), Tally.NONE.plus(packet), Tally::plus);
                sacip.ifPresent(message -> {
                    sacipSent.merge(packet.destination(), Tally.NONE.plus(packet), Tally::plus);
                    message.kind().ifPresent(kind -> sacipSentByKind
                            .computeIfAbsent(packet.destination(), d -> new EnumMap<>(MessageKind.class))
                            .merge(kind, Tally.NONE.plus(packet), Tally::plus));
                });
            } else {
                received.merge(packet.source(), Tally.NONE.plus(packet), Tally::plus);
                sacip.ifPresent(message -> sacipReceived.merge(packet.source(), Tally.NONE.plus(packet),
                        Tally::plus));
            }
        }
    }

    /** The SACIP messages the host sent to {@code destination}. */
    Tally sacipSentTo(InetAddress destination) {
        return sacipSent.getOrDefault(destination, Tally.NONE);
    }

    /** The SACIP messages of one kind the host sent to {@code destination}. */
    Tally sacipSentTo(InetAddress destination, MessageKind kind) {
        return sacipSentByKind.getOrDefault(destination, Map.of()).getOrDefault(kind, Tally.NONE);
    }

    /** Every packet the host sent to {@code destination}, whatever its protocol (SACIP over UDP included). */
    Tally sentTo(InetAddress destination) {
        return sent.getOrDefault(destination, Tally.NONE);
    }

    /** Every packet the host received from {@code source}, whatever its protocol. */
    Tally receivedFrom(InetAddress source) {
        return received.getOrDefault(source, Tally.NONE);
    }

    Tally sacipReceivedFrom(InetAddress source) {
        return sacipReceived.getOrDefault(source, Tally.NONE);
    }

    /** Every destination the host sent SACIP messages to. */
    Map<InetAddress, Tally> sacipSent() {
        return Map.copyOf(sacipSent);
    }

    /** Per kind, what the host sent to {@code destination} (for failure messages). */
    Map<MessageKind, Tally> sacipKindsSentTo(InetAddress destination) {
        return Map.copyOf(sacipSentByKind.getOrDefault(destination, Map.of()));
    }
}
