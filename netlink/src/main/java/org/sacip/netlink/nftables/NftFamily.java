package org.sacip.netlink.nftables;

import java.util.Optional;

/** The address family of an nf_tables table (NFPROTO_* of linux/netfilter.h). */
public enum NftFamily {
    INET(1),
    IP(2),
    ARP(3),
    NETDEV(5),
    BRIDGE(7),
    IP6(10);

    private final int code;

    NftFamily(int code) {
        this.code = code;
    }

    /** The byte sent in struct nfgenmsg. */
    public int code() {
        return code;
    }

    /** The family with this code, empty for codes nf_tables does not use. */
    public static Optional<NftFamily> ofCode(int code) {
        for (NftFamily family : values()) {
            if (family.code == code) {
                return Optional.of(family);
            }
        }
        return Optional.empty();
    }
}
