package org.sacip.protocol.message;

import java.util.Objects;

/** A unicast host address and a UDP port (1 to 65535): one end of a SACIP-over-UDP path. */
public record UdpEndpoint(SacipAddress address, int port) {
    public UdpEndpoint {
        Objects.requireNonNull(address, "address");
        address.requireUnicastHost("UDP endpoint address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " is outside 1..65535");
        }
    }

    public static UdpEndpoint of(String address, int port) {
        return new UdpEndpoint(SacipAddress.parse(address), port);
    }

    public AddressFamily family() {
        return address.family();
    }

    @Override
    public String toString() {
        return address.family() == AddressFamily.IPV6 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
