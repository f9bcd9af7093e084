package org.sacip.protocol.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;
import org.sacip.protocol.SacipProtocolException;

/**
 * The X25519 function of RFC 7748 over the JDK's XDH provider, with keys and results as raw 32-octet little-endian
 * strings, as they travel on the wire.
 */
public final class X25519 {
    public static final int KEY_LENGTH = 32;
    private static final byte[] BASE_POINT = new byte[KEY_LENGTH];

    static {
        BASE_POINT[0] = 9;
    }

    private X25519() {
    }

    /** The public key (u-coordinate) of a raw private scalar: X25519(k, 9). */
    public static byte[] publicKey(byte[] privateScalar) {
        return compute(privateScalar, BASE_POINT);
    }

    /**
     * The shared secret X25519(k, u).
     *
     * @throws SacipProtocolException with WEAK_KEY_SHARE when the result is all zeros (a small-order peer share,
     *                                RFC 7748 section 6.1)
     */
    public static byte[] sharedSecret(byte[] privateScalar, byte[] peerPublicKey) throws SacipProtocolException {
        byte[] secret;
        try {
            secret = compute(privateScalar, peerPublicKey);
        } catch (IllegalStateException e) {
            throw new SacipProtocolException(SacipProtocolException.Reason.WEAK_KEY_SHARE, "X25519 failed on the peer share");
        }
        if (ConstantTime.equal(secret, new byte[KEY_LENGTH])) {
            throw new SacipProtocolException(SacipProtocolException.Reason.WEAK_KEY_SHARE, "X25519 result is all zeros");
        }
        return secret;
    }

    /** Raw X25519; throws IllegalStateException if the JDK rejects the input (it refuses small-order points). */
    static byte[] compute(byte[] privateScalar, byte[] uCoordinate) {
        if (privateScalar.length != KEY_LENGTH || uCoordinate.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 keys are 32 octets");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey privateKey = factory.generatePrivate(
                    new XECPrivateKeySpec(NamedParameterSpec.X25519, privateScalar.clone()));
            PublicKey publicKey = factory.generatePublic(
                    new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(uCoordinate)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(privateKey);
            agreement.doPhase(publicKey, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 refused: " + e.getMessage(), e);
        }
    }

    /** RFC 7748 section 5: little-endian, the most significant bit of the last octet is ignored. */
    static BigInteger decodeU(byte[] littleEndian) {
        byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[i] = littleEndian[KEY_LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7F;
        return new BigInteger(1, bigEndian);
    }
}
