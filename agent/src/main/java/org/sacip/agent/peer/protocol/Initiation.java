package org.sacip.agent.peer.protocol;

import java.util.ArrayList;
import java.util.List;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.RefusalReason;

/**
 * Our own first handshake in progress with one peer (section 6.2). It keeps sending HELLO on its schedule until an
 * INIT_REPLY verifies, and answers each distinct COOKIE echoing its nonce (up to {@link #MAX_COOKIES}) with an
 * INIT: a forged COOKIE costs one INIT and cannot end the handshake. Engine thread only.
 */
final class Initiation {
    static final int MAX_COOKIES = 4;

    final AddressPair path;
    final HandshakeInitiator initiator;
    final List<Octets> cookies = new ArrayList<>();
    final List<Init> inits = new ArrayList<>();
    /** The envelope each INIT goes in: back where its COOKIE came from (over ICMP or UDP). */
    final List<Envelope> initEnvelopes = new ArrayList<>();
    int transmissions;
    EngineLoop.Timer timer;
    /** HELLOs go over UDP too (PROTOCOL.md 13.9): no COOKIE came over ICMP in time. */
    boolean overUdp;
    /** HELLOs go over UDP alone: the last lineage of this path showed a NAT between us (13.9). */
    boolean udpOnly;
    EngineLoop.Timer udpStart;
    /** A REFUSAL BUSY or NOT_ALLOWED heard for this handshake: a hint for the pause after it failed. */
    RefusalReason refusalHeard;

    Initiation(AddressPair path, HandshakeInitiator initiator) {
        this.path = path;
        this.initiator = initiator;
    }

    void abandon() {
        if (timer != null) {
            timer.cancel();
        }
        if (udpStart != null) {
            udpStart.cancel();
        }
    }
}
