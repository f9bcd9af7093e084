package org.sacip.netlink.route;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import org.sacip.netlink.AddressText;

/**
 * A unicast route to add to or delete from one table, tagged with the routing protocol that made it (rtm_protocol;
 * values from 5 up are free for programs, see /etc/iproute2/rt_protos): {@code ip route add DESTINATION
 * [via GATEWAY] [dev INTERFACE] [metric METRIC] table TABLE proto PROTOCOL}. An output interface of 0 lets the kernel
 * pick it from the gateway; a metric of 0 is the family's default on add and "any" on delete.
 */
public record RouteRequest(IpPrefix destination, Optional<InetAddress> gateway, int outputInterface, long table,
        int protocol, long metric) {

    public RouteRequest {
        Objects.requireNonNull(destination, "destination");
        if (gateway.isPresent() && gateway.get().getAddress().length != destination.address().getAddress().length) {
            throw new IllegalArgumentException("gateway " + AddressText.of(gateway.get()) + " is not of the family of "
                    + destination);
        }
        if (gateway.isEmpty() && outputInterface == 0) {
            throw new IllegalArgumentException("a route needs a gateway or an output interface");
        }
        if (outputInterface < 0 || table < 1 || table > 0xffffffffL || protocol < 0 || protocol > 255 || metric < 0
                || metric > 0xffffffffL) {
            throw new IllegalArgumentException("interface " + outputInterface + ", table " + table + ", protocol "
                    + protocol + " or metric " + metric + " out of range");
        }
    }

    /** {@code default via GATEWAY dev INTERFACE table TABLE proto PROTOCOL}. */
    public static RouteRequest defaultRoute(InetAddress gateway, int outputInterface, long table, int protocol) {
        return new RouteRequest(new IpPrefix(anyAddress(gateway), 0), Optional.of(gateway), outputInterface, table,
                protocol, 0);
    }

    public int family() {
        return destination.family();
    }

    private static InetAddress anyAddress(InetAddress like) {
        return MessageFields.toAddress(new byte[like.getAddress().length]);
    }

    @Override
    public String toString() {
        return (destination.length() == 0 ? "default" : destination.toString())
                + gateway.map(address -> " via " + AddressText.of(address)).orElse("")
                + (outputInterface == 0 ? "" : " dev #" + outputInterface) + (metric == 0 ? "" : " metric " + metric)
                + " table " + table + " proto " + protocol;
    }
}
