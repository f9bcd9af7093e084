package org.sacip.agent.peer.protocol;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.sacip.protocol.message.MessageKind;

/**
 * SACIP messages counted by kind: handed to the sender, received (decoded; a malformed one is a drop), and sent
 * again by a retransmission. Counted on the engine thread, readable from any thread (the metrics endpoint reads them
 * when it is scraped). The kinds are the protocol's own enum, never anything a message says, so the set stays fixed.
 */
public final class MessageCounters {
    private final Map<MessageKind, LongAdder> sent = adders();
    private final Map<MessageKind, LongAdder> received = adders();
    private final Map<MessageKind, LongAdder> retransmitted = adders();
    // Engine thread only: set while a retransmission sends, so its sends count as retransmitted too.
    private boolean retransmitting;

    MessageCounters() {
    }

    private static Map<MessageKind, LongAdder> adders() {
        Map<MessageKind, LongAdder> map = new EnumMap<>(MessageKind.class);
        for (MessageKind kind : MessageKind.values()) {
            map.put(kind, new LongAdder());
        }
        return map;
    }

    void countSent(MessageKind kind) {
        sent.get(kind).increment();
        if (retransmitting) {
            retransmitted.get(kind).increment();
        }
    }

    void countReceived(MessageKind kind) {
        received.get(kind).increment();
    }

    /** Runs {@code transmit}, counting what it sends as retransmitted as well as sent. */
    void retransmitting(Runnable transmit) {
        boolean outer = retransmitting;
        retransmitting = true;
        try {
            transmit.run();
        } finally {
            retransmitting = outer;
        }
    }

    /** Messages of this kind handed to the sender, first transmissions and retransmissions together. */
    public long sent(MessageKind kind) {
        return sent.get(kind).sum();
    }

    /** Messages of this kind received and decoded (before they are checked further; a drop is counted as a drop). */
    public long received(MessageKind kind) {
        return received.get(kind).sum();
    }

    /** Messages of this kind sent again because their answer had not come (included in {@link #sent}). */
    public long retransmitted(MessageKind kind) {
        return retransmitted.get(kind).sum();
    }
}
