package org.sacip.protocol.crypto;

import java.security.SecureRandom;
import org.sacip.protocol.message.Octets;

/** A fresh X25519 key pair for one handshake. The private scalar never leaves except to compute the secret. */
public final class EphemeralKeyPair {
    private final byte[] privateScalar;
    private final Octets publicShare;

    private EphemeralKeyPair(byte[] privateScalar) {
        this.privateScalar = privateScalar;
        this.publicShare = Octets.of(X25519.publicKey(privateScalar));
    }

    public static EphemeralKeyPair generate(SecureRandom random) {
        byte[] scalar = new byte[X25519.KEY_LENGTH];
        random.nextBytes(scalar);
        return new EphemeralKeyPair(scalar);
    }

    /** A key pair from a known scalar, for the worked example and known-answer tests. */
    public static EphemeralKeyPair fromPrivateScalar(byte[] scalar) {
        if (scalar.length != X25519.KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private keys are 32 octets");
        }
        return new EphemeralKeyPair(scalar.clone());
    }

    public Octets publicShare() {
        return publicShare;
    }

    public byte[] sharedSecret(Octets peerShare) throws org.sacip.protocol.SacipProtocolException {
        return X25519.sharedSecret(privateScalar, peerShare.toByteArray());
    }

    @Override
    public String toString() {
        return "EphemeralKeyPair[public=" + publicShare + "]";
    }
}
