package org.sacip.netlink.packet;

import java.util.EnumSet;
import java.util.Set;

/** The TCP header's flag bits (RFC 9293, ECN bits of RFC 3168, AE of RFC 9768). */
public enum TcpFlag {
    FIN(0x001),
    SYN(0x002),
    RST(0x004),
    PSH(0x008),
    ACK(0x010),
    URG(0x020),
    ECE(0x040),
    CWR(0x080),
    AE(0x100);

    private final int bit;

    TcpFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    /** The flags set in the 9 low bits of a header's flag field. */
    public static Set<TcpFlag> of(int bits) {
        Set<TcpFlag> flags = EnumSet.noneOf(TcpFlag.class);
        for (TcpFlag flag : values()) {
            if ((bits & flag.bit) != 0) {
                flags.add(flag);
            }
        }
        return flags;
    }
}
