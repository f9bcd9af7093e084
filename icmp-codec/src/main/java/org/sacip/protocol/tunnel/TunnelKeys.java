package org.sacip.protocol.tunnel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.sacip.protocol.crypto.Hkdf;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;

/**
 * The keys of one tunnel (docs/PROTOCOL.md section 15.3), derived from the renewal secret of the lineage key that
 * authenticated its TUNNEL_OPEN and TUNNEL_ACCEPT and from both hosts' nonces:
 *
 * <pre>
 * okm = HKDF-SHA256(salt = opener nonce | accepter nonce, IKM = renewal secret,
 *                   info = "SACIP v2 tunnel" | key id, 72 octets)
 * tunnel id = okm[0..8), key opener-to-accepter = okm[8..40), key accepter-to-opener = okm[40..72)
 * </pre>
 *
 * Both nonces are fresh at every opening, so a host that restarted (even killed without a chance to save anything)
 * never seals under a key and counter it used before: its own new nonce alone makes new keys.
 */
public record TunnelKeys(long tunnelId, Octets openerToAccepter, Octets accepterToOpener) {
    /** "SACIP v2 tunnel", ASCII, no terminator: the info label before the key id. */
    public static final String LABEL = "SACIP v2 tunnel";
    /** AES-256 keys. */
    public static final int KEY_LENGTH = 32;
    /** Tunnel id (8) and the two direction keys. */
    public static final int OKM_LENGTH = 8 + 2 * KEY_LENGTH;

    public TunnelKeys {
        openerToAccepter.requireLength(KEY_LENGTH, "opener-to-accepter key");
        accepterToOpener.requireLength(KEY_LENGTH, "accepter-to-opener key");
    }

    /** The keys of a tunnel opened under {@code keys} (a lineage key) with these two nonces. */
    public static TunnelKeys derive(SessionKeys keys, Octets openerNonce, Octets accepterNonce) {
        return derive(keys.renewalSecret(), keys.keyId(), openerNonce, accepterNonce);
    }

    /** The same from the renewal secret and key id of the lineage key. */
    public static TunnelKeys derive(Octets renewalSecret, Octets keyId, Octets openerNonce, Octets accepterNonce) {
        renewalSecret.requireLength(SessionKeys.DIRECTION_KEY_LENGTH, "renewal secret");
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        openerNonce.requireLength(FieldLengths.NONCE, "opener nonce");
        accepterNonce.requireLength(FieldLengths.NONCE, "accepter nonce");
        byte[] salt = concat(openerNonce.toByteArray(), accepterNonce.toByteArray());
        byte[] info = concat(LABEL.getBytes(StandardCharsets.US_ASCII), keyId.toByteArray());
        byte[] okm = Hkdf.derive(salt, renewalSecret.toByteArray(), info, OKM_LENGTH);
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (okm[i] & 0xFF);
        }
        TunnelKeys derived = new TunnelKeys(id, Octets.of(okm, 8, KEY_LENGTH),
                Octets.of(okm, 8 + KEY_LENGTH, KEY_LENGTH));
        Arrays.fill(okm, (byte) 0);
        return derived;
    }

    /** The key a host in {@code role} seals with. */
    public Octets sendingKey(TunnelRole role) {
        return role == TunnelRole.OPENER ? openerToAccepter : accepterToOpener;
    }

    /** The key a host in {@code role} opens the peer's datagrams with. */
    public Octets receivingKey(TunnelRole role) {
        return sendingKey(role.other());
    }

    /** The tunnel id as the 16 hex digits of its 8 octets on the wire. */
    public String tunnelIdHex() {
        return String.format("%016x", tunnelId);
    }

    @Override
    public String toString() {
        // Never print key material.
        return "TunnelKeys[tunnelId=" + tunnelIdHex() + "]";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
