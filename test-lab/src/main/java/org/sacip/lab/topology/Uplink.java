package org.sacip.lab.topology;

/**
 * One uplink of a host: its interface, the address it carries when in use (with prefix length) and the router
 * address behind it. Gateway is null on a link without a router.
 */
public record Uplink(String host, String ifName, String address, int prefixLength, String gateway) {
    public String cidr() {
        return address + "/" + prefixLength;
    }
}
