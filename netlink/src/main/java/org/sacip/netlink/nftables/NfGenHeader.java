package org.sacip.netlink.nftables;

import java.nio.ByteBuffer;
import org.sacip.netlink.NetlinkParseException;

/** Reads struct nfgenmsg, the 4-byte family header of every nf_tables message. */
final class NfGenHeader {
    private NfGenHeader() {
    }

    /** The table family named by the header at the payload's start. */
    static NftFamily family(ByteBuffer payload) throws NetlinkParseException {
        if (payload.remaining() < NfTablesConstants.NFGENMSG_LENGTH) {
            throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_PAYLOAD,
                    "nf_tables message of " + payload.remaining() + " bytes has no nfgenmsg header");
        }
        int code = Byte.toUnsignedInt(payload.get(payload.position()));
        return NftFamily.ofCode(code).orElseThrow(() -> new NetlinkParseException(
                NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, "unknown nf_tables family " + code));
    }
}
