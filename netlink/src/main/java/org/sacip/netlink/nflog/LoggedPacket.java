package org.sacip.netlink.nflog;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One packet a {@code log group N} rule sent to user space (NFULNL_MSG_PACKET): its log group, protocol family
 * (NFPROTO_IPV4 = 2, NFPROTO_IPV6 = 10, ...), netfilter hook (for IP: 0 prerouting, 1 input, 2 forward, 3 output,
 * 4 postrouting), link-layer protocol (ETH_P_IP, ETH_P_IPV6), and what the kernel adds when it has it: the packet
 * mark (only when non-zero), the rule's prefix (nft sends an empty one
 * for a rule without; that is absent here), input and output interface indexes, and the receive timestamp (only
 * on prerouting, input and forward). {@code payload} starts at the network header and holds at most the copy range
 * (and the rule's snaplen); read it with {@link org.sacip.netlink.packet.PacketHeaders#parse}.
 */
public record LoggedPacket(int group, int family, int hook, int hardwareProtocol, OptionalLong mark,
        Optional<String> prefix, OptionalInt inputInterface, OptionalInt outputInterface,
        Optional<Instant> timestamp, byte[] payload) {
    public static final int FAMILY_IPV4 = 2;
    public static final int FAMILY_IPV6 = 10;
    public static final int HOOK_PREROUTING = 0;
    public static final int HOOK_INPUT = 1;
    public static final int HOOK_FORWARD = 2;
    public static final int HOOK_OUTPUT = 3;
    public static final int HOOK_POSTROUTING = 4;

    public LoggedPacket {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LoggedPacket packet && group == packet.group && family == packet.family
                && hook == packet.hook && hardwareProtocol == packet.hardwareProtocol && mark.equals(packet.mark)
                && prefix.equals(packet.prefix) && inputInterface.equals(packet.inputInterface)
                && outputInterface.equals(packet.outputInterface) && timestamp.equals(packet.timestamp)
                && Arrays.equals(payload, packet.payload);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(group, family, hook, hardwareProtocol, mark, prefix, inputInterface,
                outputInterface, timestamp, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "LoggedPacket[group " + group + ", family " + family + ", hook " + hook + ", mark " + mark
                + ", prefix " + prefix + ", in " + inputInterface + ", out " + outputInterface + ", at "
                + timestamp.map(Instant::toString).orElse("-") + ", " + payload.length + " payload bytes]";
    }
}
