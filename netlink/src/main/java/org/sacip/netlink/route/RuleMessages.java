package org.sacip.netlink.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkParseException;

/** RTM_NEWRULE / RTM_DELRULE for {@link BlackholeRule}s, and the decoding of a rule dump. */
final class RuleMessages {
    private RuleMessages() {
    }

    static ByteBuffer build(int type, int flags, BlackholeRule rule, int sequence) {
        int bits = rule.isIpv4() ? 32 : 128;
        byte[] header = ByteBuffer.allocate(Rtnl.FIB_RULE_HDR_LENGTH).order(ByteOrder.nativeOrder())
                .put((byte) (rule.isIpv4() ? Rtnl.AF_INET : Rtnl.AF_INET6)).put((byte) bits).put((byte) bits)
                .put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) Rtnl.FR_ACT_BLACKHOLE).putInt(0)
                .array();
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(type, flags).familyHeader(header);
        if (rule.fwmask() != 0) {
            builder.putU32(Rtnl.FRA_FWMARK, (int) rule.fwmark()).putU32(Rtnl.FRA_FWMASK, (int) rule.fwmask());
        }
        return builder.putU32(Rtnl.FRA_PRIORITY, rule.priority())
                .putBytes(Rtnl.FRA_SRC, rule.source().getAddress())
                .putBytes(Rtnl.FRA_DST, rule.destination().getAddress())
                .putU8(Rtnl.FRA_IP_PROTO, rule.ipProtocol())
                .putBytes(Rtnl.FRA_SPORT_RANGE, portRange(rule.sourcePort()))
                .putBytes(Rtnl.FRA_DPORT_RANGE, portRange(rule.destinationPort()))
                .build(sequence);
    }

    /** struct fib_rule_port_range: start and end, host byte order. */
    private static byte[] portRange(int port) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putShort((short) port).putShort((short) port)
                .array();
    }

    /** The rule if it is a single-flow blackhole rule; other rules (the default ones, anyone's) are empty. */
    static Optional<BlackholeRule> parse(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = MessageFields.payload(message, Rtnl.FIB_RULE_HDR_LENGTH, "fib_rule_hdr");
        int family = Byte.toUnsignedInt(payload.get(0));
        int action = Byte.toUnsignedInt(payload.get(7));
        if (family != Rtnl.AF_INET && family != Rtnl.AF_INET6) {
            return Optional.empty();
        }
        int addressLength = MessageFields.addressLength(family);
        InetAddress source = null;
        InetAddress destination = null;
        int priority = 0;
        int protocol = 0;
        int[] sport = null;
        int[] dport = null;
        long fwmark = 0;
        long fwmask = 0;
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Rtnl.FIB_RULE_HDR_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Rtnl.FRA_SRC -> source = MessageFields.address(attributes, addressLength);
                case Rtnl.FRA_DST -> destination = MessageFields.address(attributes, addressLength);
                case Rtnl.FRA_PRIORITY -> priority = attributes.s32();
                case Rtnl.FRA_IP_PROTO -> protocol = attributes.u8();
                case Rtnl.FRA_SPORT_RANGE -> sport = range(attributes);
                case Rtnl.FRA_DPORT_RANGE -> dport = range(attributes);
                case Rtnl.FRA_FWMARK -> fwmark = attributes.u32();
                case Rtnl.FRA_FWMASK -> fwmask = attributes.u32();
                default -> {
                    // Tables, marks, interface names: not part of a single-flow blackhole rule.
                }
            }
        }
        attributes.throwIfError();
        if (action != Rtnl.FR_ACT_BLACKHOLE || source == null || destination == null || protocol == 0
                || sport == null || dport == null || sport[0] != sport[1] || dport[0] != dport[1] || sport[0] == 0
                || dport[0] == 0) {
            return Optional.empty();
        }
        if (fwmask == 0 && fwmark != 0) {
            fwmask = 0xffffffffL;
        }
        return Optional.of(new BlackholeRule(priority, source, destination, protocol, sport[0], dport[0], fwmark,
                fwmask));
    }

    private static int[] range(AttributeDecoder attributes) {
        byte[] raw = attributes.byteArray(4);
        if (raw == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        return new int[] {Short.toUnsignedInt(buffer.getShort()), Short.toUnsignedInt(buffer.getShort())};
    }
}
