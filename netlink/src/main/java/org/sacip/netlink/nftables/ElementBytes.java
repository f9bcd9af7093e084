package org.sacip.netlink.nftables;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One set element as the kernel sent it: key registers and, for a map with values, the data registers
 * ({@code null} for a plain set or a verdict map). Turned into a typed {@link Element} by an {@link ElementLayout}.
 */
public record ElementBytes(byte[] key, byte[] data) {
    public ElementBytes {
        key = key.clone();
        data = data == null ? null : data.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ElementBytes that && Arrays.equals(key, that.key) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.formatHex(key) + (data == null ? "" : " : " + hex.formatHex(data));
    }
}
