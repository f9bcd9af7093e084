package org.sacip.lab.attack;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Distinct source addresses for spoofed packets, numbered from 0: the {@code index}-th address after a base
 * address (IPv4: added to the last 16 bits; IPv6: to the last 32 bits), so a test can ask for 100,000 of them. Only
 * lab addresses: the base and every address derived from it stay inside 198.18.0.0/15 or 2001:db8::/32.
 */
record SpoofedSources(InetAddress base, int count) {
    SpoofedSources {
        byte[] bytes = base.getAddress();
        boolean lab = base instanceof Inet6Address ? (bytes[0] & 0xff) == 0x20 && (bytes[1] & 0xff) == 0x01
                && (bytes[2] & 0xff) == 0x0d && (bytes[3] & 0xff) == 0xb8
                : (bytes[0] & 0xff) == 198 && ((bytes[1] & 0xff) == 18 || (bytes[1] & 0xff) == 19);
        int room = base instanceof Inet6Address ? Integer.MAX_VALUE : 65_536 - (((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
        if (!lab || count < 1 || count > room) {
            throw new IllegalArgumentException(count + " spoofed sources from " + base.getHostAddress()
                    + " do not stay inside the lab's prefixes");
        }
    }

    static SpoofedSources from(String base, int count) {
        try {
            return new SpoofedSources(InetAddress.getByName(base), count);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + base, e);
        }
    }

    InetAddress get(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(index + " of " + count + " spoofed sources");
        }
        byte[] bytes = base.getAddress();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length == 16) {
            buffer.putInt(12, buffer.getInt(12) + index);
        } else {
            buffer.putShort(2, (short) ((buffer.getShort(2) & 0xffff) + index));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " octets", e);
        }
    }
}
