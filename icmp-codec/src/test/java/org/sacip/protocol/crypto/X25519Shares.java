package org.sacip.protocol.crypto;

import java.security.SecureRandom;

/** Valid X25519 public shares for tests that need one the other side did not expect. */
public final class X25519Shares {
    private X25519Shares() {
    }

    public static byte[] somePublicShare() {
        return EphemeralKeyPair.generate(new SecureRandom()).publicShare().toByteArray();
    }
}
