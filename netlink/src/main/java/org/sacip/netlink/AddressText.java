package org.sacip.netlink;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses as people and {@code ip}/{@code ss} write them: IPv4 dotted, IPv6 in the RFC 5952 canonical form
 * (lowercase, the longest run of two or more zero groups as "::"), never a zone or a host name. Java's own
 * {@code getHostAddress} prints "2001:db8:0:0:0:0:0:1".
 */
public final class AddressText {
    private AddressText() {
    }

    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] raw = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((raw[2 * i] & 0xff) << 8) | (raw[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** An address and port as {@code ss} writes them: {@code 198.18.0.1:4253}, {@code [2001:db8::1]:4253}. */
    public static String endpoint(InetAddress address, int port) {
        return address instanceof Inet6Address ? "[" + of(address) + "]:" + port : of(address) + ":" + port;
    }
}
