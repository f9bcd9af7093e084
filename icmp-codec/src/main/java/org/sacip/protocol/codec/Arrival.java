package org.sacip.protocol.codec;

import java.util.Objects;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * How a message reached this host, as the rules of docs/PROTOCOL.md sections 6, 7 and 13.3 need it: the envelope
 * its MAC covers, the sender's address as stated, the local address it arrived at, and the envelope an answer to
 * it travels in. Over ICMP these are the outer addresses; over UDP the stated endpoints, the observed source (after
 * any NAT) and the local endpoint.
 */
public sealed interface Arrival permits Arrival.Icmp, Arrival.Udp {
    /** What the message's MAC covers. */
    Envelope envelope();

    /** The envelope of an answer: back to where the message came from, from where it arrived. */
    Envelope answer();

    /** The sender's own address: the outer source over ICMP, the stated source over UDP. */
    default SacipAddress source() {
        return envelope().source();
    }

    /** The local address the message arrived at. */
    SacipAddress localAddress();

    /**
     * True when this message may answer a request sent in {@code sent}. Over ICMP: from the address the request
     * went to, at the address it came from. Over UDP: at the local endpoint the request left from; where it came
     * from is not compared, since the peer's NAT may have rebound its mapping (section 13.5) and a peer behind a NAT
     * states its own address, not the public one the request went to. The key that verifies the answer's MAC says
     * who sent it.
     */
    boolean repliesTo(Envelope sent);

    /**
     * True when this message came back from exactly where {@code sent} went, to where it came from: over UDP the
     * observed source too. What a reachability check (sections 7.2 and 13.5) proves.
     */
    boolean returnsFrom(Envelope sent);

    /** True when this message and {@code other} came from the same place to the same place (a handshake's INIT and INIT_CONFIRM). */
    boolean sameOrigin(Arrival other);

    static Arrival icmp(SacipAddress source, SacipAddress destination) {
        return new Icmp(source, destination);
    }

    /** An ICMP message from its outer source to its outer destination. */
    record Icmp(SacipAddress source, SacipAddress destination) implements Arrival {
        public Icmp {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
        }

        @Override
        public Envelope envelope() {
            return new Envelope.Icmp(source, destination);
        }

        @Override
        public Envelope answer() {
            return new Envelope.Icmp(destination, source);
        }

        @Override
        public SacipAddress localAddress() {
            return destination;
        }

        @Override
        public boolean repliesTo(Envelope sent) {
            return sent instanceof Envelope.Icmp && source.equals(sent.destination())
                    && destination.equals(sent.source());
        }

        @Override
        public boolean returnsFrom(Envelope sent) {
            return repliesTo(sent);
        }

        @Override
        public boolean sameOrigin(Arrival other) {
            return equals(other);
        }
    }

    /**
     * A UDP datagram: the endpoints it stated, the source it was observed from and the local endpoint it arrived
     * at.
     */
    record Udp(UdpEnvelope stated, UdpEndpoint observedSource, UdpEndpoint local) implements Arrival {
        public Udp {
            Objects.requireNonNull(stated, "stated");
            Objects.requireNonNull(observedSource, "observedSource");
            Objects.requireNonNull(local, "local");
        }

        @Override
        public Envelope envelope() {
            return stated;
        }

        @Override
        public Envelope answer() {
            return new UdpEnvelope(local, observedSource);
        }

        @Override
        public SacipAddress localAddress() {
            return local.address();
        }

        @Override
        public boolean repliesTo(Envelope sent) {
            return sent instanceof UdpEnvelope request && local.equals(request.statedSource());
        }

        @Override
        public boolean returnsFrom(Envelope sent) {
            return repliesTo(sent) && observedSource.equals(((UdpEnvelope) sent).statedDestination());
        }

        @Override
        public boolean sameOrigin(Arrival other) {
            return other instanceof Udp udp && observedSource.equals(udp.observedSource) && local.equals(udp.local)
                    && stated.statedSource().equals(udp.stated.statedSource());
        }
    }
}
