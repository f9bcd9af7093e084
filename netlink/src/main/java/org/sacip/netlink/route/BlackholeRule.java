package org.sacip.netlink.route;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import org.sacip.netlink.AddressText;

/**
 * A policy routing rule that drops what one exact flow sends: {@code ip rule add pref PRIORITY from SOURCE to
 * DESTINATION ipproto PROTOCOL sport SPORT dport DPORT [fwmark MARK/MASK] blackhole}. A zero mask means no fwmark
 * selector.
 */
public record BlackholeRule(int priority, InetAddress source, InetAddress destination, int ipProtocol, int sourcePort,
        int destinationPort, long fwmark, long fwmask) {

    /** A rule without an fwmark selector. */
    public BlackholeRule(int priority, InetAddress source, InetAddress destination, int ipProtocol, int sourcePort,
            int destinationPort) {
        this(priority, source, destination, ipProtocol, sourcePort, destinationPort, 0, 0);
    }

    public BlackholeRule {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (source.getClass() != destination.getClass()) {
            throw new IllegalArgumentException("source and destination of different families");
        }
        if (sourcePort < 1 || sourcePort > 65535 || destinationPort < 1 || destinationPort > 65535) {
            throw new IllegalArgumentException("ports must be in 1..65535");
        }
        if (ipProtocol < 1 || ipProtocol > 255) {
            throw new IllegalArgumentException("IP protocol " + ipProtocol);
        }
        if (fwmark < 0 || fwmark > 0xffffffffL || fwmask < 0 || fwmask > 0xffffffffL || (fwmark & ~fwmask) != 0) {
            throw new IllegalArgumentException("fwmark " + fwmark + "/" + fwmask + " is not a 32-bit mark/mask");
        }
    }

    public boolean isIpv4() {
        return source instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return "pref " + priority + " from " + AddressText.of(source) + " to " + AddressText.of(destination)
                + " ipproto " + ipProtocol + " sport " + sourcePort + " dport " + destinationPort
                + (fwmask == 0 ? "" : " fwmark 0x" + Long.toHexString(fwmark) + "/0x" + Long.toHexString(fwmask))
                + " blackhole";
    }
}
