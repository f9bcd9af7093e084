package org.sacip.protocol.message;

/**
 * Asks the peer to open a tunnel under a lineage's key (docs/PROTOCOL.md section 15), over UDP only. The opener's
 * nonce is random; it and the accepter's nonce make the tunnel's keys. The body ends in 16 reserved zero octets
 * before the MAC so that an OPEN is as long as the ACCEPT it asks for.
 */
public record TunnelOpen(Octets keyId, Octets openerNonce, Octets mac) implements AuthenticatedMessage {
    public TunnelOpen {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        openerNonce.requireLength(FieldLengths.NONCE, "opener nonce");
        mac.requireLength(FieldLengths.MAC, "mac");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.TUNNEL_OPEN;
    }

    @Override
    public TunnelOpen withMac(Octets newMac) {
        return new TunnelOpen(keyId, openerNonce, newMac);
    }
}
