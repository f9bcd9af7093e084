package org.sacip.netlink.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Decodes RTM_NEWNEIGH (struct ndmsg and NDA_* attributes). */
public final class NeighbourMessageParser {
    private NeighbourMessageParser() {
    }

    public static NeighbourEntry parse(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = MessageFields.payload(message, Rtnl.NDMSG_LENGTH, "ndmsg");
        int family = Byte.toUnsignedInt(payload.get(0));
        int index = payload.getInt(4);
        int state = Short.toUnsignedInt(payload.getShort(8));
        int addressLength = MessageFields.addressLength(family);
        InetAddress destination = null;
        byte[] linkLayer = new byte[0];
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Rtnl.NDMSG_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Rtnl.NDA_DST -> destination = MessageFields.address(attributes, addressLength);
                case Rtnl.NDA_LLADDR -> linkLayer = attributes.byteArray();
                default -> {
                    // Cache info and probe counts are not needed.
                }
            }
        }
        attributes.throwIfError();
        if (destination == null) {
            throw MessageFields.missing("neighbour message without NDA_DST");
        }
        return new NeighbourEntry(index, destination, linkLayer, state);
    }
}
