package org.sacip.protocol.crypto;

import java.security.MessageDigest;

/** Comparisons of secret-dependent values whose running time does not reveal where they differ. */
public final class ConstantTime {
    private ConstantTime() {
    }

    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
