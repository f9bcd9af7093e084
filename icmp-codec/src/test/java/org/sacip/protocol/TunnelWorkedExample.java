package org.sacip.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.tunnel.TunnelHandshake;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelOpener;
import org.sacip.protocol.tunnel.TunnelRole;
import org.sacip.protocol.tunnel.TunnelSealer;

/**
 * The worked example of docs/PROTOCOL.md section 15.9: A, behind the NAT of section 13.11, opens a tunnel under the
 * first key of section 11 (key id a5197b14bfa90379), B accepts, and each seals its first datagram: A a TCP
 * acknowledgement of the connection claimed in section 11.2, B an empty one. Every message is decoded where it
 * arrives and verified by the receiving side's code; every datagram is opened by the other side.
 */
public final class TunnelWorkedExample {
    public static final Octets OPENER_NONCE = Octets.fromHex("e0e1e2e3e4e5e6e7e8e9eaebecedeeef");
    public static final Octets ACCEPTER_NONCE = Octets.fromHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    /** IPv4, 198.18.0.1:50000 to 198.18.0.2:443, ACK, sequence 0, acknowledgement 0x0a0b0c0e, window 64240. */
    public static final byte[] INNER_PACKET = HexFormat.of().parseHex(
            "45000028000140004006aea7c6120001c6120002c35001bb000000000a0b0c0e5010faf04d970000");

    /** One datagram of the example, as sent (a UDP payload). */
    public record Datagram(String name, byte[] payload) {
    }

    public final TunnelKeys keys;
    public final byte[] open;
    public final byte[] accept;
    /** A to B, counter 0, the inner packet. */
    public final byte[] first;
    /** B to A, counter 0, empty. */
    public final byte[] firstBack;

    public TunnelWorkedExample() throws SacipProtocolException, SacipCodecException {
        UdpWorkedExample udp = new UdpWorkedExample();
        TunnelHandshake opening = TunnelHandshake.open(udp.initiatorKeys, Role.INITIATOR,
                new UdpEnvelope(UdpWorkedExample.A, UdpWorkedExample.B), OPENER_NONCE);
        open = opening.sent().encode(opening.message());
        // B sees the OPEN arrive from the NAT's endpoint, and answers there.
        UdpDatagram atB = UdpDecoder.decode(open, UdpWorkedExample.A_PUBLIC.address(), UdpWorkedExample.B.address());
        Arrival openArrival = new Arrival.Udp(atB.envelope(), UdpWorkedExample.A_PUBLIC, UdpWorkedExample.B);
        TunnelHandshake.Accepted accepted = TunnelHandshake.accept((TunnelOpen) atB.message(), udp.responderKeys,
                Role.RESPONDER, openArrival, ACCEPTER_NONCE);
        accept = openArrival.answer().encode(accepted.message());
        UdpDatagram atA = UdpDecoder.decode(accept, UdpWorkedExample.B.address(), UdpWorkedExample.A.address());
        keys = opening.complete((TunnelAccept) atA.message(),
                new Arrival.Udp(atA.envelope(), UdpWorkedExample.B, UdpWorkedExample.A));
        if (!keys.equals(accepted.keys())) {
            throw new IllegalStateException("A and B derived different tunnel keys");
        }
        first = seal(new TunnelSealer(keys, TunnelRole.OPENER), INNER_PACKET);
        firstBack = seal(new TunnelSealer(accepted.keys(), TunnelRole.ACCEPTER), new byte[0]);
        byte[] out = new byte[INNER_PACKET.length];
        if (new TunnelOpener(accepted.keys(), TunnelRole.ACCEPTER).open(first, 0, first.length, out, 0)
                != INNER_PACKET.length || !Arrays.equals(out, INNER_PACKET)
                || new TunnelOpener(keys, TunnelRole.OPENER).open(firstBack, 0, firstBack.length, out, 0) != 0) {
            throw new IllegalStateException("a datagram of the example does not open at its receiver");
        }
    }

    private static byte[] seal(TunnelSealer sealer, byte[] inner) {
        byte[] out = new byte[inner.length + 40];
        sealer.seal(inner, 0, inner.length, out, 0);
        return out;
    }

    public List<Datagram> datagrams() {
        return List.of(new Datagram("TUNNEL_OPEN", open), new Datagram("TUNNEL_ACCEPT", accept),
                new Datagram("first data datagram, A to B", first),
                new Datagram("first data datagram, B to A (empty)", firstBack));
    }

    /** Prints the values and datagrams as the document shows them. */
    public static void main(String[] args) throws Exception {
        TunnelWorkedExample e = new TunnelWorkedExample();
        System.out.println("tunnel id " + e.keys.tunnelIdHex() + "\nK_OA " + e.keys.openerToAccepter()
                + "\nK_AO " + e.keys.accepterToOpener());
        for (Datagram d : e.datagrams()) {
            System.out.println("== " + d.name() + " (" + d.payload().length + ")\n" + WorkedExample.dump(d.payload()));
        }
    }
}
