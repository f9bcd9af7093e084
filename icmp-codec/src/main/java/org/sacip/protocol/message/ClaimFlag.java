package org.sacip.protocol.message;

import java.util.EnumSet;
import java.util.Set;

/** The flag bits of a claim entry. Bits without a flag here are sent as zero; a set one makes the entry malformed. */
public enum ClaimFlag {
    /** The holder did not see the session open (it began before the holder's agent started): the proof is zero. */
    NO_RECORD(0x01);

    private final int bit;

    ClaimFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    /** The bits of the flags octet that have a meaning. */
    public static int knownBits() {
        int bits = 0;
        for (ClaimFlag flag : values()) {
            bits |= flag.bit;
        }
        return bits;
    }

    /** The flags octet of a set of flags. */
    public static int toBits(Set<ClaimFlag> flags) {
        int bits = 0;
        for (ClaimFlag flag : flags) {
            bits |= flag.bit;
        }
        return bits;
    }

    /** The flags of an octet whose bits are all known ({@link #knownBits()}); unknown bits are ignored here. */
    public static Set<ClaimFlag> fromBits(int bits) {
        Set<ClaimFlag> flags = EnumSet.noneOf(ClaimFlag.class);
        for (ClaimFlag flag : values()) {
            if ((bits & flag.bit) != 0) {
                flags.add(flag);
            }
        }
        return Set.copyOf(flags);
    }
}
