package org.sacip.netlink.nflog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Decodes NFULNL_MSG_PACKET messages (nfgenmsg with the group in res_id, then network-order NFULA_* attributes). */
public final class LoggedPacketParser {
    private static final long MICROS_PER_SECOND = 1_000_000;

    private LoggedPacketParser() {
    }

    public static LoggedPacket parse(NetlinkMessage message) throws NetlinkParseException {
        if (message.type() != Nflog.messageType(Nflog.NFULNL_MSG_PACKET)) {
            throw new NetlinkParseException(NetlinkParseException.Reason.UNEXPECTED_MESSAGE,
                    "message type 0x" + Integer.toHexString(message.type()) + " is not an nflog packet");
        }
        ByteBuffer payload = message.payloadView();
        if (payload.remaining() < Nflog.NFGENMSG_LENGTH) {
            throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_PAYLOAD,
                    "nfgenmsg needs 4 bytes, message has " + payload.remaining());
        }
        int family = Byte.toUnsignedInt(payload.get(0));
        int group = Short.toUnsignedInt(payload.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(2));
        ByteBuffer packetHeader = null;
        OptionalLong mark = OptionalLong.empty();
        Optional<String> prefix = Optional.empty();
        OptionalInt input = OptionalInt.empty();
        OptionalInt output = OptionalInt.empty();
        Optional<Instant> timestamp = Optional.empty();
        byte[] packet = new byte[0];
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Nflog.NFGENMSG_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Nflog.NFULA_PACKET_HDR -> packetHeader = ByteBuffer.wrap(
                        attributes.byteArray(Nflog.PACKET_HDR_LENGTH)).order(ByteOrder.BIG_ENDIAN);
                case Nflog.NFULA_MARK -> mark = OptionalLong.of(attributes.u32Be());
                case Nflog.NFULA_IFINDEX_INDEV -> input = OptionalInt.of((int) attributes.u32Be());
                case Nflog.NFULA_IFINDEX_OUTDEV -> output = OptionalInt.of((int) attributes.u32Be());
                case Nflog.NFULA_PREFIX -> prefix = Optional.of(attributes.string()).filter(text -> !text.isEmpty());
                case Nflog.NFULA_TIMESTAMP -> timestamp = timestamp(attributes);
                case Nflog.NFULA_PAYLOAD -> packet = attributes.byteArray();
                default -> {
                    // Hardware address and header, uid/gid, sequence numbers, conntrack: not asked for.
                }
            }
        }
        attributes.throwIfError();
        if (packetHeader == null) {
            throw new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE,
                    "nflog packet without NFULA_PACKET_HDR");
        }
        return new LoggedPacket(group, family, Byte.toUnsignedInt(packetHeader.get(2)),
                Short.toUnsignedInt(packetHeader.getShort(0)), mark, prefix, input, output, timestamp, packet);
    }

    /** struct nfulnl_msg_packet_timestamp: seconds and microseconds, both big-endian 64-bit. */
    private static Optional<Instant> timestamp(AttributeDecoder attributes) {
        ByteBuffer value = ByteBuffer.wrap(attributes.byteArray(Nflog.TIMESTAMP_LENGTH)).order(ByteOrder.BIG_ENDIAN);
        long seconds = value.getLong(0);
        long micros = value.getLong(8);
        if (attributes.err().isPresent()) {
            return Optional.empty();
        }
        if (micros < 0 || micros >= MICROS_PER_SECOND || seconds < 0 || seconds > Instant.MAX.getEpochSecond()) {
            attributes.fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                    "nflog timestamp " + seconds + " s " + micros + " us");
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(seconds, micros * 1000));
    }
}
