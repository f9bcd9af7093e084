package org.sacip.netlink.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Decodes RTM_NEWROUTE / RTM_DELROUTE (struct rtmsg and RTA_* attributes). */
public final class RouteMessageParser {
    private RouteMessageParser() {
    }

    public static RouteInfo parse(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = MessageFields.payload(message, Rtnl.RTMSG_LENGTH, "rtmsg");
        int family = Byte.toUnsignedInt(payload.get(0));
        int destinationLength = Byte.toUnsignedInt(payload.get(1));
        int table = Byte.toUnsignedInt(payload.get(4));
        int protocol = Byte.toUnsignedInt(payload.get(5));
        int scope = Byte.toUnsignedInt(payload.get(6));
        int type = Byte.toUnsignedInt(payload.get(7));
        int addressLength = MessageFields.addressLength(family);
        if (destinationLength > addressLength * 8) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                    "destination length " + destinationLength + " for a " + addressLength + "-byte address");
        }
        InetAddress destination = null;
        InetAddress gateway = null;
        InetAddress preferredSource = null;
        int outputInterface = 0;
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Rtnl.RTMSG_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Rtnl.RTA_DST -> destination = MessageFields.address(attributes, addressLength);
                case Rtnl.RTA_GATEWAY -> gateway = MessageFields.address(attributes, addressLength);
                case Rtnl.RTA_PREFSRC -> preferredSource = MessageFields.address(attributes, addressLength);
                case Rtnl.RTA_OIF -> outputInterface = attributes.s32();
                case Rtnl.RTA_TABLE -> table = attributes.s32();
                default -> {
                    // Metrics, cache info, multipath are not used by the agent.
                }
            }
        }
        attributes.throwIfError();
        return new RouteInfo(family, Optional.ofNullable(destination), destinationLength, outputInterface,
                Optional.ofNullable(gateway), Optional.ofNullable(preferredSource), table, type, scope, protocol);
    }

    /**
     * The MTU in a route's metrics (RTA_METRICS, RTAX_MTU): in a looked-up route, the path MTU the kernel learned
     * from an ICMP error for that destination, or the route's own; empty when the message has none.
     */
    public static OptionalInt mtu(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = MessageFields.payload(message, Rtnl.RTMSG_LENGTH, "rtmsg");
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Rtnl.RTMSG_LENGTH));
        OptionalInt mtu = OptionalInt.empty();
        while (attributes.next()) {
            if (attributes.type() == Rtnl.RTA_METRICS) {
                AttributeDecoder metrics = attributes.nested();
                while (metrics.next()) {
                    if (metrics.type() == Rtnl.RTAX_MTU) {
                        mtu = OptionalInt.of((int) metrics.u32());
                    }
                }
                metrics.throwIfError();
            }
        }
        attributes.throwIfError();
        return mtu;
    }
}
