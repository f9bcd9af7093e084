package org.sacip.tools.filter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses numeric IPv4/IPv6 addresses only; never a name, so nothing here can trigger a DNS lookup. */
public final class AddressLiteral {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private AddressLiteral() {
    }

    /** The address, or an IllegalArgumentException saying why {@code text} is not one. */
    public static InetAddress parse(String text) {
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    throw invalid(text);
                }
                bytes[i] = (byte) octet;
            }
            return byAddress(bytes, text);
        }
        if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
            try {
                // A string with a colon is only ever parsed as an IPv6 literal by the JDK, never looked up.
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                throw invalid(text);
            }
        }
        throw invalid(text);
    }

    private static InetAddress byAddress(byte[] bytes, String text) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw invalid(text);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
}
