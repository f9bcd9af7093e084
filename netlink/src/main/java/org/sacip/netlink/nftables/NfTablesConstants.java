package org.sacip.netlink.nftables;

/** Numbers of the nf_tables netlink protocol (linux/netfilter/nfnetlink.h and nf_tables.h). */
final class NfTablesConstants {
    private NfTablesConstants() {
    }

    static final int NFNL_SUBSYS_NFTABLES = 10;
    static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    static final int NFNL_MSG_BATCH_END = 0x11;
    /** Multicast group of nf_tables change notifications. */
    static final int NFNLGRP_NFTABLES = 7;
    /** struct nfgenmsg: family, version, res_id (big-endian). */
    static final int NFGENMSG_LENGTH = 4;

    static final int NFT_MSG_NEWTABLE = 0;
    static final int NFT_MSG_DELTABLE = 2;
    static final int NFT_MSG_NEWCHAIN = 3;
    static final int NFT_MSG_DELCHAIN = 5;
    static final int NFT_MSG_NEWRULE = 6;
    static final int NFT_MSG_DELRULE = 8;
    static final int NFT_MSG_NEWSET = 9;
    static final int NFT_MSG_GETSET = 10;
    static final int NFT_MSG_DELSET = 11;
    static final int NFT_MSG_NEWSETELEM = 12;
    static final int NFT_MSG_GETSETELEM = 13;
    static final int NFT_MSG_DELSETELEM = 14;
    static final int NFT_MSG_NEWGEN = 15;

    static final int NFTA_TABLE_NAME = 1;
    static final int NFTA_CHAIN_TABLE = 1;
    static final int NFTA_CHAIN_NAME = 3;
    static final int NFTA_RULE_TABLE = 1;
    static final int NFTA_RULE_CHAIN = 2;
    static final int NFTA_RULE_HANDLE = 3;
    static final int NFTA_SET_TABLE = 1;
    static final int NFTA_SET_NAME = 2;
    static final int NFTA_GEN_ID = 1;
    static final int NFTA_GEN_PROC_PID = 2;
    static final int NFTA_GEN_PROC_NAME = 3;

    static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    static final int NFTA_SET_ELEM_LIST_SET = 2;
    static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    static final int NFTA_SET_ELEM_KEY = 1;
    static final int NFTA_SET_ELEM_DATA = 2;
    static final int NFTA_SET_ELEM_FLAGS = 3;
    static final int NFTA_DATA_VALUE = 1;

    static final int ENOENT = 2;

    /** Longest table, chain or set name the kernel accepts, without the NUL (NFT_NAME_MAXLEN - 1). */
    static final int NAME_MAX_LENGTH = 255;

    /** nf_tables message type on the wire: subsystem in the high byte. */
    static int messageType(int nftMessage) {
        return (NFNL_SUBSYS_NFTABLES << 8) | nftMessage;
    }
}
