package org.sacip.netlink.nftables;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.nftables.NfTablesEvent.Change;

/**
 * Turns one message of the nf_tables multicast group into a typed event. Messages of kinds the agent does not
 * follow (objects, flowtables) give an empty result; a malformed message of a followed kind is an error.
 */
public final class NfTablesEventParser {
    private NfTablesEventParser() {
    }

    public static Optional<NfTablesEvent> parse(NetlinkMessage message) throws NetlinkParseException {
        if ((message.type() >>> 8) != NfTablesConstants.NFNL_SUBSYS_NFTABLES) {
            return Optional.empty();
        }
        int kind = message.type() & 0xff;
        switch (kind) {
            case NfTablesConstants.NFT_MSG_NEWGEN:
                return Optional.of(generation(message));
            case NfTablesConstants.NFT_MSG_NEWSETELEM:
                return Optional.of(new NfTablesEvent.ElementsChanged(Change.ADDED, ElementListParser.parse(message)));
            case NfTablesConstants.NFT_MSG_DELSETELEM:
                return Optional.of(new NfTablesEvent.ElementsChanged(Change.DELETED,
                        ElementListParser.parse(message)));
            case NfTablesConstants.NFT_MSG_NEWTABLE:
            case NfTablesConstants.NFT_MSG_DELTABLE:
            case NfTablesConstants.NFT_MSG_NEWCHAIN:
            case NfTablesConstants.NFT_MSG_DELCHAIN:
            case NfTablesConstants.NFT_MSG_NEWRULE:
            case NfTablesConstants.NFT_MSG_DELRULE:
            case NfTablesConstants.NFT_MSG_NEWSET:
            case NfTablesConstants.NFT_MSG_DELSET:
                return Optional.of(object(kind, message));
            default:
                return Optional.empty();
        }
    }

    private static NfTablesEvent object(int kind, NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = message.payloadView();
        NftFamily family = NfGenHeader.family(payload);
        AttributeDecoder attributes = new AttributeDecoder(payload.position(NfTablesConstants.NFGENMSG_LENGTH));
        // Tables, chains, rules and sets all put the table name in attribute 1.
        String table = null;
        String name = null;
        String ruleChain = null;
        long handle = -1;
        boolean isRule = kind == NfTablesConstants.NFT_MSG_NEWRULE || kind == NfTablesConstants.NFT_MSG_DELRULE;
        boolean isChain = kind == NfTablesConstants.NFT_MSG_NEWCHAIN || kind == NfTablesConstants.NFT_MSG_DELCHAIN;
        boolean isSet = kind == NfTablesConstants.NFT_MSG_NEWSET || kind == NfTablesConstants.NFT_MSG_DELSET;
        while (attributes.next()) {
            int type = attributes.type();
            if (type == NfTablesConstants.NFTA_TABLE_NAME) {
                table = attributes.string();
            } else if (isChain && type == NfTablesConstants.NFTA_CHAIN_NAME
                    || isSet && type == NfTablesConstants.NFTA_SET_NAME) {
                name = attributes.string();
            } else if (isRule && type == NfTablesConstants.NFTA_RULE_CHAIN) {
                ruleChain = attributes.string();
            } else if (isRule && type == NfTablesConstants.NFTA_RULE_HANDLE) {
                handle = attributes.u64Be();
            }
        }
        attributes.throwIfError();
        if (table == null || (isChain || isSet) && name == null || isRule && ruleChain == null) {
            throw new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE,
                    "nf_tables message type " + kind + " without its table or object name");
        }
        Change change = kind == NfTablesConstants.NFT_MSG_DELTABLE || kind == NfTablesConstants.NFT_MSG_DELCHAIN
                || kind == NfTablesConstants.NFT_MSG_DELRULE || kind == NfTablesConstants.NFT_MSG_DELSET
                ? Change.DELETED : Change.ADDED;
        if (isChain) {
            return new NfTablesEvent.ChainChanged(change, family, table, name);
        }
        if (isSet) {
            return new NfTablesEvent.SetChanged(change, family, table, name);
        }
        if (isRule) {
            return new NfTablesEvent.RuleChanged(change, family, table, ruleChain, handle);
        }
        return new NfTablesEvent.TableChanged(change, family, table);
    }

    private static NfTablesEvent generation(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = message.payloadView();
        if (payload.remaining() < NfTablesConstants.NFGENMSG_LENGTH) {
            throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_PAYLOAD,
                    "generation message without nfgenmsg header");
        }
        AttributeDecoder attributes = new AttributeDecoder(payload.position(NfTablesConstants.NFGENMSG_LENGTH));
        long id = -1;
        int processId = 0;
        String processName = "";
        while (attributes.next()) {
            switch (attributes.type()) {
                case NfTablesConstants.NFTA_GEN_ID -> id = attributes.u32Be();
                case NfTablesConstants.NFTA_GEN_PROC_PID -> processId = (int) attributes.u32Be();
                case NfTablesConstants.NFTA_GEN_PROC_NAME -> processName = attributes.string();
                default -> { }
            }
        }
        attributes.throwIfError();
        if (id < 0) {
            throw new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE,
                    "generation message without its id");
        }
        return new NfTablesEvent.Generation(id, processId, processName);
    }
}
