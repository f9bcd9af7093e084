package org.sacip.protocol.message;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string (nonce, key share, MAC, ...); copies on the way in and out. */
public final class Octets {
    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Octets of(byte[] bytes) {
        return new Octets(bytes.clone());
    }

    public static Octets of(byte[] bytes, int offset, int length) {
        return new Octets(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    public static Octets zeros(int length) {
        return new Octets(new byte[length]);
    }

    public static Octets fromHex(String hex) {
        return new Octets(HexFormat.of().parseHex(hex));
    }

    public int length() {
        return bytes.length;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public byte get(int index) {
        return bytes[index];
    }

    /** True when every octet from {@code offset} to the end is zero (also when none is left). */
    public boolean isZeroFrom(int offset) {
        for (int i = offset; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Throws IllegalArgumentException unless this string has exactly {@code expected} octets. */
    public Octets requireLength(int expected, String what) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException(what + " must be " + expected + " octets, got " + bytes.length);
        }
        return this;
    }

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Octets o && Arrays.equals(bytes, o.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
