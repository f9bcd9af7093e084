package org.sacip.protocol.tunnel;

import java.util.HexFormat;
import org.sacip.protocol.message.Octets;

/** Fixed tunnel keys and inner packets for the tunnel tests. */
final class Tunnels {
    /** The renewal secret and key id of the worked example's first key (docs/PROTOCOL.md section 11). */
    static final Octets RENEWAL_SECRET =
            Octets.fromHex("713bf7cbe6655399e4ff80b87f53cc5d0980dbb7910bb03c8cc059863513de73");
    static final Octets KEY_ID = Octets.fromHex("a5197b14bfa90379");
    static final Octets OPENER_NONCE = Octets.fromHex("e0e1e2e3e4e5e6e7e8e9eaebecedeeef");
    static final Octets ACCEPTER_NONCE = Octets.fromHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    /** A TCP acknowledgement, IPv4, 198.18.0.1:50000 to 198.18.0.2:443 (section 15.9). */
    static final byte[] INNER_PACKET = HexFormat.of().parseHex(
            "45000028000140004006aea7c6120001c6120002c35001bb000000000a0b0c0e5010faf04d970000");

    private Tunnels() {
    }

    static TunnelKeys keys() {
        return TunnelKeys.derive(RENEWAL_SECRET, KEY_ID, OPENER_NONCE, ACCEPTER_NONCE);
    }

    /** An inner packet of {@code length} octets, each its index mod 251 (0 is the empty datagram's). */
    static byte[] packet(int length) {
        byte[] packet = new byte[length];
        for (int i = 0; i < length; i++) {
            packet[i] = (byte) (i % 251);
        }
        return packet;
    }

    static byte[] seal(TunnelSealer sealer, byte[] inner) {
        byte[] out = new byte[DataDatagram.length(inner.length)];
        sealer.seal(inner, 0, inner.length, out, 0);
        return out;
    }
}
