package org.sacip.agent.peer.transport;

/** Why a captured frame was not handed to the listener; counted per reason. */
public enum FrameRejection {
    /** Captured bytes end before the headers or before the length the IP header claims. */
    TRUNCATED,
    /** Not IPv4/IPv6 over the link, or an IP version field that disagrees with the EtherType. */
    NOT_IP,
    /** IPv4 header length, total length or header checksum wrong; IPv6 payload length wrong. */
    BAD_IP_HEADER,
    /** IPv4 fragment (MF set or nonzero offset). */
    FRAGMENT,
    /** Not ICMP over IPv4 / ICMPv6 directly after the fixed IPv6 header. */
    NOT_ICMP,
    /** ICMP, but not the SACIP type for its IP version. */
    NOT_SACIP_TYPE,
    /** The SACIP type, but too short for the SACIP header or without its magic: another experiment's traffic. */
    NOT_SACIP_MAGIC,
    /** Addressed to an address this host does not hold (or sent from one it holds). */
    NOT_OUR_ADDRESS
}
