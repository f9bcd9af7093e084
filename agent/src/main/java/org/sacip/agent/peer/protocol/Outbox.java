package org.sacip.agent.peer.protocol;

/** Hands messages to the sender; never blocks (a full queue drops the message, which retransmission covers). */
@FunctionalInterface
public interface Outbox {
    void send(Outbound message);
}
