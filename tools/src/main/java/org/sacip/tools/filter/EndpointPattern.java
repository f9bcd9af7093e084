package org.sacip.tools.filter;

import java.net.InetAddress;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ADDR or ADDR:PORT as given to --src/--dst; IPv6 needs brackets when a port is given ("[2001:db8::2]:22"), so a
 * bare IPv6 address is always an address without a port.
 */
public record EndpointPattern(InetAddress address, OptionalInt port) {
    public static final String SYNTAX = "ADDR, ADDR:PORT or [IPv6]:PORT";

    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]+)\\](?::(\\d{1,5}))?");
    private static final Pattern V4_WITH_PORT = Pattern.compile("([^:]+):(\\d{1,5})");

    public static EndpointPattern parse(String text) {
        Matcher bracketed = BRACKETED.matcher(text);
        if (bracketed.matches()) {
            InetAddress address = AddressLiteral.parse(bracketed.group(1));
            if (bracketed.group(1).indexOf(':') < 0) {
                throw invalid(text);
            }
            return new EndpointPattern(address, portOf(bracketed.group(2), text));
        }
        Matcher withPort = V4_WITH_PORT.matcher(text);
        if (withPort.matches()) {
            return new EndpointPattern(parseAddress(withPort.group(1), text), portOf(withPort.group(2), text));
        }
        return new EndpointPattern(parseAddress(text, text), OptionalInt.empty());
    }

    public boolean matches(Endpoint endpoint) {
        return endpoint.address().equals(address) && (port.isEmpty() || port.getAsInt() == endpoint.port());
    }

    private static InetAddress parseAddress(String address, String whole) {
        try {
            return AddressLiteral.parse(address);
        } catch (IllegalArgumentException e) {
            throw invalid(whole);
        }
    }

    private static OptionalInt portOf(String digits, String whole) {
        if (digits == null) {
            return OptionalInt.empty();
        }
        int port = Integer.parseInt(digits);
        if (port > 65535) {
            throw invalid(whole);
        }
        return OptionalInt.of(port);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not " + SYNTAX);
    }
}
