package org.sacip.netlink.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalInt;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkParseException;

/** RTM_NEWRULE / RTM_DELRULE for {@link RoutingRule}s, and the decoding of a rule dump. */
final class RuleMessages {
    private RuleMessages() {
    }

    /**
     * A request naming every selector of the rule: the kernel adds exactly this rule, and deletes the first rule
     * whose given selectors (and, when non-zero, protocol) match, so another program's rule is left alone.
     */
    static ByteBuffer build(int type, int flags, RoutingRule rule, int sequence) {
        byte[] header = ByteBuffer.allocate(Rtnl.FIB_RULE_HDR_LENGTH).order(ByteOrder.nativeOrder())
                .put((byte) rule.family())
                .put((byte) (int) rule.to().map(IpPrefix::length).orElse(0))
                .put((byte) (int) rule.from().map(IpPrefix::length).orElse(0))
                .put((byte) 0)
                .put((byte) (rule.table() < 256 ? rule.table() : 0))
                .put((byte) 0).put((byte) 0)
                .put((byte) rule.action().code())
                .putInt(0)
                .array();
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(type, flags).familyHeader(header);
        builder.putU32(Rtnl.FRA_PRIORITY, (int) rule.priority());
        if (rule.table() != 0) {
            builder.putU32(Rtnl.FRA_TABLE, (int) rule.table());
        }
        rule.from().ifPresent(prefix -> builder.putBytes(Rtnl.FRA_SRC, prefix.address().getAddress()));
        rule.to().ifPresent(prefix -> builder.putBytes(Rtnl.FRA_DST, prefix.address().getAddress()));
        rule.suppressPrefixLength().ifPresent(length -> builder.putU32(Rtnl.FRA_SUPPRESS_PREFIXLEN, length));
        if (rule.fwmask() != 0) {
            builder.putU32(Rtnl.FRA_FWMARK, (int) rule.fwmark()).putU32(Rtnl.FRA_FWMASK, (int) rule.fwmask());
        }
        if (rule.ipProtocol() != 0) {
            builder.putU8(Rtnl.FRA_IP_PROTO, rule.ipProtocol());
        }
        rule.sourcePorts().ifPresent(ports -> builder.putBytes(Rtnl.FRA_SPORT_RANGE, portRange(ports)));
        rule.destinationPorts().ifPresent(ports -> builder.putBytes(Rtnl.FRA_DPORT_RANGE, portRange(ports)));
        if (rule.protocol() != 0) {
            builder.putU8(Rtnl.FRA_PROTOCOL, rule.protocol());
        }
        return builder.build(sequence);
    }

    /** struct fib_rule_port_range: start and end, host byte order. */
    private static byte[] portRange(PortRange ports) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putShort((short) ports.start())
                .putShort((short) ports.end()).array();
    }

    /** The rule of an IPv4 or IPv6 RTM_NEWRULE; empty for other families (multicast routing rules). */
    static Optional<RoutingRule> parse(NetlinkMessage message) throws NetlinkParseException {
        if (message.type() != Rtnl.RTM_NEWRULE && message.type() != Rtnl.RTM_DELRULE) {
            throw new NetlinkParseException(NetlinkParseException.Reason.UNEXPECTED_MESSAGE,
                    "message type " + message.type() + " is not a rule");
        }
        ByteBuffer payload = MessageFields.payload(message, Rtnl.FIB_RULE_HDR_LENGTH, "fib_rule_hdr");
        int family = Byte.toUnsignedInt(payload.get(0));
        if (family != Rtnl.AF_INET && family != Rtnl.AF_INET6) {
            return Optional.empty();
        }
        int destinationLength = Byte.toUnsignedInt(payload.get(1));
        int sourceLength = Byte.toUnsignedInt(payload.get(2));
        long table = Byte.toUnsignedInt(payload.get(4));
        int actionCode = Byte.toUnsignedInt(payload.get(7));
        int addressLength = MessageFields.addressLength(family);
        InetAddress source = null;
        InetAddress destination = null;
        long priority = 0;
        OptionalInt suppress = OptionalInt.empty();
        long fwmark = 0;
        long fwmask = 0;
        int ipProtocol = 0;
        PortRange sourcePorts = null;
        PortRange destinationPorts = null;
        int protocol = 0;
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Rtnl.FIB_RULE_HDR_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Rtnl.FRA_SRC -> source = MessageFields.address(attributes, addressLength);
                case Rtnl.FRA_DST -> destination = MessageFields.address(attributes, addressLength);
                case Rtnl.FRA_PRIORITY -> priority = attributes.u32();
                case Rtnl.FRA_TABLE -> table = attributes.u32();
                case Rtnl.FRA_SUPPRESS_PREFIXLEN -> {
                    int value = attributes.s32();
                    suppress = value == Rtnl.SUPPRESS_NONE ? OptionalInt.empty() : OptionalInt.of(value);
                }
                case Rtnl.FRA_FWMARK -> fwmark = attributes.u32();
                case Rtnl.FRA_FWMASK -> fwmask = attributes.u32();
                case Rtnl.FRA_IP_PROTO -> ipProtocol = attributes.u8();
                case Rtnl.FRA_SPORT_RANGE -> sourcePorts = range(attributes);
                case Rtnl.FRA_DPORT_RANGE -> destinationPorts = range(attributes);
                case Rtnl.FRA_PROTOCOL -> protocol = attributes.u8();
                default -> {
                    // Interface names, uid range, l3mdev, tunnel id, goto target, dscp: not represented.
                }
            }
        }
        attributes.throwIfError();
        RuleAction action = RuleAction.of(actionCode);
        if (action == null) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                    "rule action " + actionCode);
        }
        if ((sourceLength > 0 && source == null) || (destinationLength > 0 && destination == null)) {
            throw MessageFields.missing("rule with a prefix length but no FRA_SRC/FRA_DST address");
        }
        if (fwmask == 0 && fwmark != 0) {
            fwmask = 0xffffffffL;
        }
        try {
            return Optional.of(new RoutingRule(family, priority,
                    sourceLength > 0 ? Optional.of(new IpPrefix(source, sourceLength)) : Optional.empty(),
                    destinationLength > 0 ? Optional.of(new IpPrefix(destination, destinationLength)) : Optional.empty(),
                    table, suppress, fwmark, fwmask, ipProtocol, Optional.ofNullable(sourcePorts),
                    Optional.ofNullable(destinationPorts), action, protocol));
        } catch (IllegalArgumentException e) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, e.getMessage());
        }
    }

    /** A port range, or null with an error recorded when it is malformed. */
    private static PortRange range(AttributeDecoder attributes) {
        byte[] raw = attributes.byteArray(4);
        if (attributes.err().isPresent()) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        int start = Short.toUnsignedInt(buffer.getShort());
        int end = Short.toUnsignedInt(buffer.getShort());
        if (start < 1 || start > end) {
            attributes.fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, "port range " + start + "-" + end);
            return null;
        }
        return new PortRange(start, end);
    }
}
