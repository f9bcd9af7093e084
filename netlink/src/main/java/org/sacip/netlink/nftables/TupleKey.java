package org.sacip.netlink.nftables;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The key of the SACIP rewrite maps: {@code saddr . daddr . meta l4proto . th sport . th dport}, both addresses of
 * the same IP version.
 */
public record TupleKey(InetAddress source, InetAddress destination, int protocol, int sourcePort,
        int destinationPort) {

    public static final int TCP = 6;
    public static final int UDP = 17;

    public TupleKey {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (source.getClass() != destination.getClass()) {
            throw new IllegalArgumentException("source " + source.getHostAddress() + " and destination "
                    + destination.getHostAddress() + " are not of the same IP version");
        }
        requireRange("protocol", protocol, 255);
        requireRange("source port", sourcePort, 65535);
        requireRange("destination port", destinationPort, 65535);
    }

    /**
     * Mixed, unlike the record's own {@code 31 * h + next}, under which a source port one higher and a destination
     * address one lower collide: the agent keeps 100,000 of these keys in hash maps. Equal keys have equal fields,
     * hence equal hashes.
     */
    @Override
    public int hashCode() {
        int h = protocol;
        h = h * 0x9E3779B1 + source.hashCode();
        h = h * 0x9E3779B1 + sourcePort;
        h = h * 0x9E3779B1 + destination.hashCode();
        h = h * 0x9E3779B1 + destinationPort;
        return h ^ (h >>> 16);
    }

    public boolean isIpv4() {
        return source instanceof Inet4Address;
    }

    public boolean isIpv6() {
        return source instanceof Inet6Address;
    }

    private static void requireRange(String what, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0.." + max);
        }
    }

    @Override
    public String toString() {
        return source.getHostAddress() + " . " + destination.getHostAddress() + " . " + protocol + " . "
                + sourcePort + " . " + destinationPort;
    }
}
