package org.sacip.protocol.message;

/**
 * Answers a {@link TunnelOpen} (docs/PROTOCOL.md section 15), over UDP only: echoes the opener's nonce and adds the
 * accepter's random one.
 */
public record TunnelAccept(Octets keyId, Octets openerNonce, Octets accepterNonce, Octets mac)
        implements AuthenticatedMessage {
    public TunnelAccept {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        openerNonce.requireLength(FieldLengths.NONCE, "opener nonce");
        accepterNonce.requireLength(FieldLengths.NONCE, "accepter nonce");
        mac.requireLength(FieldLengths.MAC, "mac");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.TUNNEL_ACCEPT;
    }

    @Override
    public TunnelAccept withMac(Octets newMac) {
        return new TunnelAccept(keyId, openerNonce, accepterNonce, newMac);
    }
}
