package org.sacip.netlink;

import java.nio.ByteBuffer;

/**
 * The body of an NLMSG_ERROR: errno 0 is an acknowledgement; otherwise the kernel's reason, with the
 * extended-ack message and offset when the kernel attached them (NETLINK_EXT_ACK).
 */
public record NetlinkErrorMessage(int errno, int sequence, String extendedAckMessage, int extendedAckOffset) {

    public boolean isAck() {
        return errno == 0;
    }

    public NetlinkErrorException toException() {
        return new NetlinkErrorException(errno, sequence, extendedAckMessage, extendedAckOffset);
    }

    public static NetlinkErrorMessage parse(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = message.payloadView();
        if (payload.remaining() < 4 + NetlinkConstants.NLMSG_HDRLEN) {
            throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_PAYLOAD,
                    "NLMSG_ERROR carries " + payload.remaining() + " bytes, needs 20");
        }
        int error = payload.getInt(0);
        if (error > 0 || error == Integer.MIN_VALUE) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                    "NLMSG_ERROR with impossible error " + error);
        }
        long originalLength = Integer.toUnsignedLong(payload.getInt(4));
        String extackMessage = null;
        int extackOffset = -1;
        if (message.hasFlag(NetlinkConstants.NLM_F_ACK_TLVS)) {
            // Without NLM_F_CAPPED the kernel echoes the whole original request before the TLVs.
            long echoed = message.hasFlag(NetlinkConstants.NLM_F_CAPPED)
                    ? NetlinkConstants.NLMSG_HDRLEN
                    : NetlinkConstants.align((int) Math.min(originalLength, Integer.MAX_VALUE - 3));
            long tlvStart = 4 + echoed;
            if (tlvStart > payload.remaining()) {
                throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_PAYLOAD,
                        "NLMSG_ERROR echo of " + echoed + " bytes overruns its payload");
            }
            AttributeDecoder attributes = new AttributeDecoder(payload.position((int) tlvStart));
            while (attributes.next()) {
                if (attributes.type() == NetlinkConstants.NLMSGERR_ATTR_MSG) {
                    extackMessage = attributes.string();
                } else if (attributes.type() == NetlinkConstants.NLMSGERR_ATTR_OFFS) {
                    extackOffset = (int) Math.min(attributes.u32(), Integer.MAX_VALUE);
                }
            }
            attributes.throwIfError();
        }
        return new NetlinkErrorMessage(-error, message.sequence(), extackMessage, extackOffset);
    }
}
