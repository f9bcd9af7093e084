package org.sacip.netlink.nftables;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/**
 * Reads the payload of a NEWSETELEM or DELSETELEM message (a dump reply or a change event). Every length is checked
 * by {@link AttributeDecoder}; a missing table, set or key is an error. Attributes this class does not use
 * (flags, timeouts, expressions) are skipped, as newer kernels may add more.
 */
final class ElementListParser {
    private ElementListParser() {
    }

    static ElementList parse(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = message.payloadView();
        NftFamily family = NfGenHeader.family(payload);
        AttributeDecoder attributes = new AttributeDecoder(payload.position(NfTablesConstants.NFGENMSG_LENGTH));
        String table = null;
        String set = null;
        List<ElementBytes> elements = new ArrayList<>();
        while (attributes.next()) {
            switch (attributes.type()) {
                case NfTablesConstants.NFTA_SET_ELEM_LIST_TABLE -> table = attributes.string();
                case NfTablesConstants.NFTA_SET_ELEM_LIST_SET -> set = attributes.string();
                case NfTablesConstants.NFTA_SET_ELEM_LIST_ELEMENTS -> readElements(attributes.nested(), elements);
                default -> { }
            }
        }
        attributes.throwIfError();
        if (table == null || set == null) {
            throw new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE,
                    "set element message without " + (table == null ? "table" : "set") + " name");
        }
        return new ElementList(family, table, set, elements);
    }

    private static void readElements(AttributeDecoder list, List<ElementBytes> out) {
        // Like the kernel, ignore the entries' types: it sends NFTA_LIST_ELEM, libnftnl numbers them 1, 2, ...
        while (list.next()) {
            AttributeDecoder element = list.nested();
            byte[] key = null;
            byte[] data = null;
            while (element.next()) {
                switch (element.type()) {
                    case NfTablesConstants.NFTA_SET_ELEM_KEY -> key = dataValue(element.nested());
                    case NfTablesConstants.NFTA_SET_ELEM_DATA -> data = dataValue(element.nested());
                    default -> { }
                }
            }
            if (element.err().isPresent()) {
                return;
            }
            if (key == null) {
                list.fail(NetlinkParseException.Reason.MISSING_ATTRIBUTE, "set element without a key value");
                return;
            }
            out.add(new ElementBytes(key, data));
        }
    }

    /** The NFTA_DATA_VALUE inside a key or data attribute; null when it holds something else (a verdict). */
    private static byte[] dataValue(AttributeDecoder data) {
        byte[] value = null;
        while (data.next()) {
            if (data.type() == NfTablesConstants.NFTA_DATA_VALUE) {
                value = data.byteArray();
            }
        }
        return value;
    }
}
