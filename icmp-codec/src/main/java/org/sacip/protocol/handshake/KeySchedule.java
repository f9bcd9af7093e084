package org.sacip.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.sacip.protocol.crypto.Hkdf;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * HKDF-SHA256 key derivation of SACIP v1:
 * salt = Ni | Nr; IKM = X25519 secret (| previous renewal secret, when renewing);
 * info = "SACIP v1 keys" | initiator address | responder address | initiator share | responder share;
 * output = 32 octets initiator-to-responder key | 32 responder-to-initiator key | 8 key id | 32 renewal secret.
 */
public final class KeySchedule {
    static final byte[] LABEL = "SACIP v1 keys".getBytes(StandardCharsets.US_ASCII);
    private static final int OUTPUT_LENGTH = 32 + 32 + FieldLengths.KEY_ID + 32;

    private KeySchedule() {
    }

    public static SessionKeys derive(byte[] sharedSecret, Optional<Octets> previousRenewalSecret,
            Octets initiatorNonce, Octets responderNonce, Octets initiatorShare, Octets responderShare,
            SacipAddress initiatorAddress, SacipAddress responderAddress) {
        byte[] salt = concat(initiatorNonce.toByteArray(), responderNonce.toByteArray());
        byte[] ikm = previousRenewalSecret.map(s -> concat(sharedSecret, s.toByteArray())).orElse(sharedSecret.clone());
        byte[] info = concat(LABEL, initiatorAddress.toWire(), responderAddress.toWire(),
                initiatorShare.toByteArray(), responderShare.toByteArray());
        byte[] okm = Hkdf.derive(salt, ikm, info, OUTPUT_LENGTH);
        Arrays.fill(ikm, (byte) 0);
        return new SessionKeys(
                Octets.of(okm, 64, FieldLengths.KEY_ID),
                Octets.of(okm, 0, 32),
                Octets.of(okm, 32, 32),
                Octets.of(okm, 64 + FieldLengths.KEY_ID, 32),
                initiatorAddress, responderAddress);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
