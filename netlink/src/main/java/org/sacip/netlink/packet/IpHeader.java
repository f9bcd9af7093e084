package org.sacip.netlink.packet;

import java.net.InetAddress;

/**
 * The network layer of a captured packet. {@code protocol} is the upper-layer protocol after any IPv6 extension
 * headers, {@code headerLength} counts the IPv4 options or the IPv6 extension headers skipped, and
 * {@code totalLength} is the packet's length as its header states it (not how much was captured).
 * {@code moreFragments} marks a first IPv4 fragment: its transport payload continues in later fragments.
 */
public record IpHeader(int version, InetAddress source, InetAddress destination, int protocol, int headerLength,
        int totalLength, int hopLimit, boolean moreFragments) {
}
