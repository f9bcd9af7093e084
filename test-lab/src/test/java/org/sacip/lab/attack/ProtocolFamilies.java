package org.sacip.lab.attack;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/** The socket family of an address. */
final class ProtocolFamilies {
    private ProtocolFamilies() {
    }

    static ProtocolFamily of(InetAddress address) {
        return address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }
}
