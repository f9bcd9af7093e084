package org.sacip.netlink.route;

import java.util.EnumSet;
import java.util.Set;

/** Flags of an interface address (IFA_F_* of linux/if_addr.h). */
public enum AddressFlag {
    SECONDARY(0x01),
    NODAD(0x02),
    OPTIMISTIC(0x04),
    DADFAILED(0x08),
    HOMEADDRESS(0x10),
    DEPRECATED(0x20),
    TENTATIVE(0x40),
    PERMANENT(0x80),
    MANAGETEMPADDR(0x100),
    NOPREFIXROUTE(0x200),
    MCAUTOJOIN(0x400),
    STABLE_PRIVACY(0x800);

    private final int bit;

    AddressFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public static Set<AddressFlag> fromBits(long bits) {
        Set<AddressFlag> flags = EnumSet.noneOf(AddressFlag.class);
        for (AddressFlag flag : values()) {
            if ((bits & flag.bit) != 0) {
                flags.add(flag);
            }
        }
        return flags;
    }

    public static int toBits(Set<AddressFlag> flags) {
        int bits = 0;
        for (AddressFlag flag : flags) {
            bits |= flag.bit;
        }
        return bits;
    }
}
