package org.sacip.agent.peer.transport;

import org.sacip.protocol.codec.WireFormat;

/**
 * The BPF expression that lets only SACIP ICMP reach user space: ICMPv4 type 253 and ICMPv6 type 200 whose
 * SACIP part starts with the magic "SACI", so other experiments using the same types stay in the kernel.
 * <p>
 * {@code icmp[0]} follows the IPv4 header length (options) and matches only first fragments. {@code icmp6} and
 * {@code ip6[40]} look at the fixed IPv6 header only, so an ICMPv6 message behind extension headers (hop-by-hop,
 * destination options, routing, fragment) is not captured; SACIP senders add none, and the frame parser rejects
 * them anyway.
 */
public final class SacipCaptureFilter {
    public static final int ICMPV4_TYPE = 253;
    public static final int ICMPV6_TYPE = 200;
    private static final String MAGIC = "0x" + Integer.toHexString(WireFormat.MAGIC);
    public static final String EXPRESSION = "(icmp and icmp[0] == " + ICMPV4_TYPE + " and icmp[4:4] == " + MAGIC
            + ") or (icmp6 and ip6[40] == " + ICMPV6_TYPE + " and ip6[44:4] == " + MAGIC + ")";

    private SacipCaptureFilter() {
    }
}
