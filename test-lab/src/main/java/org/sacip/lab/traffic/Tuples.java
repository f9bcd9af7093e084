package org.sacip.lab.traffic;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Formats a 4-tuple as "local -> remote" with IPv6 in brackets. */
public final class Tuples {
    private Tuples() {
    }

    public static String of(SocketAddress local, SocketAddress remote) {
        return format(local) + " -> " + format(remote);
    }

    public static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
