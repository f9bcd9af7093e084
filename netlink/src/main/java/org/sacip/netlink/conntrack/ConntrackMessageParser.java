package org.sacip.netlink.conntrack;

import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Decodes IPCTNL_MSG_CT_NEW messages of a ctnetlink dump into the small {@link ConntrackFlow} form. */
public final class ConntrackMessageParser {
    private ConntrackMessageParser() {
    }

    public static ConntrackFlow parse(NetlinkMessage message) throws NetlinkParseException {
        return ConntrackEntryParser.parse(message).toFlow();
    }
}
