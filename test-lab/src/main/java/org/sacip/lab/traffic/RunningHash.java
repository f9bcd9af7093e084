package org.sacip.lab.traffic;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over everything that passed one way, to compare what was sent with what arrived. */
public final class RunningHash {
    private final MessageDigest digest;

    public RunningHash() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }

    public synchronized void update(byte[] data, int offset, int length) {
        digest.update(data, offset, length);
    }

    public synchronized String hex() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests are cloneable", e);
        }
    }
}
