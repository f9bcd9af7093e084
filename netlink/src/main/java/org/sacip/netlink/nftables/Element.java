package org.sacip.netlink.nftables;

/** One element of a set (a key) or of a map (a key and the value it maps to). */
public sealed interface Element permits MapElement, PortMapElement, TupleElement, AddressElement {
}
