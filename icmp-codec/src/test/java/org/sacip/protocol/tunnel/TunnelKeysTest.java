package org.sacip.protocol.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.crypto.HmacSha256;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/** Tunnel keys (docs/PROTOCOL.md section 15.3): the known answer, the HKDF steps by hand, and what makes them fresh. */
class TunnelKeysTest {
    @Test
    void knownAnswer() {
        TunnelKeys keys = Tunnels.keys();
        assertEquals("54ff51b8daa52a17", keys.tunnelIdHex());
        assertEquals("d25673e7bcdcd54b3982e607703df403400b4ec2eaa958eecc4d782f1a2de780",
                keys.openerToAccepter().toHex());
        assertEquals("9ecee308dc33bacc5b65b090c900ef224cf9ea263a89be02ac67050b1d9a3bb2",
                keys.accepterToOpener().toHex());
    }

    @Test
    void theHkdfStepsByHand() {
        // RFC 5869 spelled out with HMAC alone: PRK = HMAC(salt, IKM); T(i) = HMAC(PRK, T(i-1) | info | i).
        byte[] salt = concat(Tunnels.OPENER_NONCE.toByteArray(), Tunnels.ACCEPTER_NONCE.toByteArray());
        byte[] info = concat("SACIP v2 tunnel".getBytes(StandardCharsets.US_ASCII), Tunnels.KEY_ID.toByteArray());
        assertEquals(23, info.length);
        byte[] prk = HmacSha256.mac(salt, Tunnels.RENEWAL_SECRET.toByteArray());
        byte[] t1 = HmacSha256.mac(prk, info, new byte[] {1});
        byte[] t2 = HmacSha256.mac(prk, t1, info, new byte[] {2});
        byte[] t3 = HmacSha256.mac(prk, t2, info, new byte[] {3});
        byte[] okm = Arrays.copyOf(concat(concat(t1, t2), t3), TunnelKeys.OKM_LENGTH);
        TunnelKeys keys = Tunnels.keys();
        assertEquals(Octets.of(okm, 0, 8).toHex(), keys.tunnelIdHex());
        assertEquals(Octets.of(okm, 8, 32), keys.openerToAccepter());
        assertEquals(Octets.of(okm, 40, 32), keys.accepterToOpener());
    }

    @Test
    void derivedFromTheLineageKeyTheSameWay() {
        SessionKeys lineage = new SessionKeys(Tunnels.KEY_ID, Octets.zeros(32), Octets.zeros(32),
                Tunnels.RENEWAL_SECRET, SacipAddress.parse("198.18.0.1"), SacipAddress.parse("198.18.0.2"));
        assertEquals(Tunnels.keys(), TunnelKeys.derive(lineage, Tunnels.OPENER_NONCE, Tunnels.ACCEPTER_NONCE));
    }

    @Test
    void eachSideSealsWithTheKeyTheOtherOpensWith() {
        TunnelKeys keys = Tunnels.keys();
        assertEquals(keys.openerToAccepter(), keys.sendingKey(TunnelRole.OPENER));
        assertEquals(keys.openerToAccepter(), keys.receivingKey(TunnelRole.ACCEPTER));
        assertEquals(keys.accepterToOpener(), keys.sendingKey(TunnelRole.ACCEPTER));
        assertEquals(keys.accepterToOpener(), keys.receivingKey(TunnelRole.OPENER));
        assertNotEquals(keys.openerToAccepter(), keys.accepterToOpener());
        assertEquals(TunnelRole.ACCEPTER, TunnelRole.OPENER.other());
    }

    @Test
    void eitherHostsNewNonceAloneMakesNewKeysAndId() {
        TunnelKeys keys = Tunnels.keys();
        Octets other = Octets.fromHex("e0e1e2e3e4e5e6e7e8e9eaebecedeee0");
        // A restarted opener (new nonce) facing an accepter that repeated its own, and the other way round.
        for (TunnelKeys restarted : new TunnelKeys[] {
            TunnelKeys.derive(Tunnels.RENEWAL_SECRET, Tunnels.KEY_ID, other, Tunnels.ACCEPTER_NONCE),
            TunnelKeys.derive(Tunnels.RENEWAL_SECRET, Tunnels.KEY_ID, Tunnels.OPENER_NONCE, other),
            TunnelKeys.derive(Tunnels.RENEWAL_SECRET, Octets.fromHex("a5197b14bfa90378"), Tunnels.OPENER_NONCE,
                    Tunnels.ACCEPTER_NONCE),
        }) {
            assertNotEquals(keys.tunnelId(), restarted.tunnelId());
            assertNotEquals(keys.openerToAccepter(), restarted.openerToAccepter());
            assertNotEquals(keys.accepterToOpener(), restarted.accepterToOpener());
        }
        // Swapping the nonces is another tunnel too: the salt is ordered.
        assertNotEquals(keys, TunnelKeys.derive(Tunnels.RENEWAL_SECRET, Tunnels.KEY_ID, Tunnels.ACCEPTER_NONCE,
                Tunnels.OPENER_NONCE));
    }

    @Test
    void keyMaterialIsNeverPrinted() {
        TunnelKeys keys = Tunnels.keys();
        String text = keys.toString();
        assertTrue(text.contains(keys.tunnelIdHex()), text);
        assertFalse(text.contains(keys.openerToAccepter().toHex().substring(0, 8)), text);
        assertFalse(text.contains(keys.accepterToOpener().toHex().substring(0, 8)), text);
    }

    @Test
    void wrongLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TunnelKeys.derive(Octets.zeros(31), Tunnels.KEY_ID,
                Tunnels.OPENER_NONCE, Tunnels.ACCEPTER_NONCE));
        assertThrows(IllegalArgumentException.class, () -> TunnelKeys.derive(Tunnels.RENEWAL_SECRET, Octets.zeros(7),
                Tunnels.OPENER_NONCE, Tunnels.ACCEPTER_NONCE));
        assertThrows(IllegalArgumentException.class, () -> TunnelKeys.derive(Tunnels.RENEWAL_SECRET, Tunnels.KEY_ID,
                Octets.zeros(15), Tunnels.ACCEPTER_NONCE));
        assertThrows(IllegalArgumentException.class, () -> new TunnelKeys(1, Octets.zeros(16), Octets.zeros(32)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
