package org.sacip.lab.topology;

/** Address family of a topology; IPv6 comes without duplicate address detection unless the DAD variant is asked for. */
public enum Family {
    IPV4, IPV6, IPV6_DAD;

    public boolean isV6() {
        return this != IPV4;
    }

    /** Lab addresses only: 198.18.0.0/15 and 2001:db8::/32. */
    public String address(int subnet, int host) {
        return isV6() ? "2001:db8:" + subnet + "::" + host : "198.18." + subnet + "." + host;
    }

    public int prefixLength() {
        return isV6() ? 64 : 24;
    }

    public String ipFlag() {
        return isV6() ? "-6" : "-4";
    }
}
