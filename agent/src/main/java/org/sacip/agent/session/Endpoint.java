package org.sacip.agent.session;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.util.Objects;

/** One end of a session: an IP address and a TCP or UDP port. */
public record Endpoint(InetAddress address, int port) {
    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        address = InternedAddresses.of(address);
    }

    @Override
    public String toString() {
        return text(AddressText.of(address), port);
    }

    /** {@code host:port}, an IPv6 host in brackets: for callers that already hold the address's text. */
    public static String text(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
