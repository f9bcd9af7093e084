package org.sacip.lab.topology;

/**
 * The router's ruleset that puts subnets of the roaming lab behind a strict masquerading NAT towards B's link
 * (`rb1`), as a home router and its ISP would: SACIP's ICMP from behind it dropped, nothing unsolicited let in, and
 * what conntrack calls invalid dropped, forwarded or addressed to the router itself (a lenient NAT would answer the
 * latter with a reset from its public address). IPv4 only (NAT44).
 */
public final class StrictNat {
    private StrictNat() {
    }

    /**
     * The nft script for {@code subnets} (the lab's subnet numbers: 1 and 2 are A's uplinks). With {@code random} the
     * NAT picks a random port for every flow; without, it keeps a port unless another inside host's flow to the same
     * peer endpoint has it already.
     */
    public static String rules(boolean random, int... subnets) {
        StringBuilder rules = new StringBuilder("add table ip natlab; "
                + "add chain ip natlab post { type nat hook postrouting priority srcnat; }; "
                + "add chain ip natlab through { type filter hook forward priority filter; }; "
                + "add chain ip natlab in { type filter hook input priority filter; }; "
                + "add rule ip natlab through ct state invalid counter drop; "
                + "add rule ip natlab in ct state invalid counter drop");
        for (int subnet : subnets) {
            String inside = Family.IPV4.address(subnet, 0) + "/24";
            rules.append("; add rule ip natlab post ip saddr ").append(inside).append(" oifname rb1 masquerade")
                    .append(random ? " random" : "")
                    .append("; add rule ip natlab through ip saddr ").append(inside).append(" icmp type 253 drop")
                    .append("; add rule ip natlab through ip daddr ").append(inside)
                    .append(" ct state != { established, related } drop");
        }
        return rules.toString();
    }
}
