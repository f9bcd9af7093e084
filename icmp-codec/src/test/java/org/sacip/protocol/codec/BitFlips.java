package org.sacip.protocol.codec;

import java.util.ArrayList;
import java.util.List;
import org.sacip.protocol.message.SacipAddress;

/**
 * Every single-bit change of an encoded message, each twice: as flipped, and with the checksum made valid again for
 * the outer addresses (so the change reaches the body checks and the MAC). A flip inside the checksum field is kept
 * as it is in both forms.
 */
public final class BitFlips {
    /** One changed message and the bit that was flipped (0 = most significant bit of octet 0). */
    public record Flip(int bit, boolean checksumFixed, byte[] icmp) {
        @Override
        public String toString() {
            return "bit " + bit + (checksumFixed ? " (checksum fixed)" : "");
        }
    }

    private BitFlips() {
    }

    public static List<Flip> of(byte[] wire, SacipAddress source, SacipAddress destination) {
        List<Flip> flips = new ArrayList<>(wire.length * 16);
        for (int bit = 0; bit < wire.length * 8; bit++) {
            for (boolean fixChecksum : new boolean[] {false, true}) {
                byte[] flipped = wire.clone();
                flipped[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                boolean inChecksum = bit / 8 == 2 || bit / 8 == 3;
                if (fixChecksum && !inChecksum) {
                    IcmpChecksum.rewrite(flipped, source, destination);
                }
                flips.add(new Flip(bit, fixChecksum, flipped));
            }
        }
        return flips;
    }
}
