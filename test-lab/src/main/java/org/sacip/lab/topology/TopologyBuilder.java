package org.sacip.lab.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/**
 * Builds a topology inside a lab with ip and sysctl. Subnets: A's uplinks 1 and 2, B's uplinks 10 and 11, attacker E
 * 20, the two-hosts link 0; the router is host 1 of each subnet, end hosts are host 2, attacker M on A's LAN is 66.
 * A's first uplink reaches R through a bridge so an attacker can share that LAN.
 */
public final class TopologyBuilder {
    private final Lab lab;
    private final Family family;
    private final Map<String, List<Uplink>> uplinks = new LinkedHashMap<>();

    private TopologyBuilder(Lab lab, Family family) {
        this.lab = lab;
        this.family = family;
    }

    public static Topology build(Lab lab, TopologyKind kind, Family family) {
        return new TopologyBuilder(lab, family).build(kind);
    }

    private Topology build(TopologyKind kind) {
        switch (kind) {
            case TWO_HOSTS -> {
                endHost("a");
                endHost("b");
                lab.link("a", "eth0", "b", "eth0");
                Uplink a = uplink("a", "eth0", 0, 1, null);
                Uplink b = uplink("b", "eth0", 0, 2, null);
                configure(a, true);
                configure(b, true);
            }
            case ROAMING, BOTH_ROAMING, ATTACKERS -> {
                router();
                endHost("a");
                endHost("b");
                lab.run("r", "ip", "link", "add", "lan1", "type", "bridge", "stp_state", "0", "forward_delay", "0");
                lab.link("a", "up1", "r", "ra1");
                lab.run("r", "ip", "link", "set", "ra1", "master", "lan1");
                lab.run("r", "ip", "link", "set", "ra1", "up");
                routerSide("lan1", 1);
                lab.link("a", "up2", "r", "ra2");
                routerSide("ra2", 2);
                configure(uplink("a", "up1", 1, 2, family.address(1, 1)), true);
                configure(uplink("a", "up2", 2, 2, family.address(2, 1)), false);
                lab.link("b", "up1", "r", "rb1");
                routerSide("rb1", 10);
                configure(uplink("b", "up1", 10, 2, family.address(10, 1)), true);
                if (kind == TopologyKind.BOTH_ROAMING) {
                    lab.link("b", "up2", "r", "rb2");
                    routerSide("rb2", 11);
                    configure(uplink("b", "up2", 11, 2, family.address(11, 1)), false);
                }
                if (kind == TopologyKind.ATTACKERS) {
                    attackers();
                }
                ipv6ReversePathFilter();
            }
            default -> throw new LabException("unknown topology " + kind);
        }
        if (family == Family.IPV6_DAD) {
            DadWait.untilSettled(lab);
        }
        return new Topology(lab, kind, family, Map.copyOf(uplinks));
    }

    private void attackers() {
        endHost("m");
        lab.link("m", "eth0", "r", "rm");
        lab.run("r", "ip", "link", "set", "rm", "master", "lan1");
        lab.run("r", "ip", "link", "set", "rm", "up");
        configure(uplink("m", "eth0", 1, 66, family.address(1, 1)), true);
        endHost("e");
        lab.link("e", "eth0", "r", "re");
        routerSide("re", 20);
        // No ingress filtering on E's link: strict rp_filter is per interface, and "all" is 0 so this 0 wins.
        lab.sysctl("r", "net.ipv4.conf.re.rp_filter", "0");
        configure(uplink("e", "eth0", 20, 2, family.address(20, 1)), true);
    }

    /**
     * rp_filter is IPv4 only; the same strict check for IPv6 is an nft fib lookup in R's namespace (never the host's).
     * E's link ("re") stays unfiltered, as its IPv4 rp_filter does.
     */
    private void ipv6ReversePathFilter() {
        lab.run("r", "nft", "add table ip6 lab_rpfilter; "
                + "add chain ip6 lab_rpfilter pre { type filter hook prerouting priority raw; }; "
                + "add rule ip6 lab_rpfilter pre iifname != \"re\" fib saddr . iif oif missing drop");
    }

    /** Sysctls must precede the interfaces: "default" is copied into each new interface. */
    private void endHost(String host) {
        lab.addHost(host);
        noDadUnlessAsked(host);
        // make-before-break deletes an address while another exists; keep secondaries instead of flushing them.
        lab.sysctl(host, "net.ipv4.conf.all.promote_secondaries", "1");
        lab.sysctl(host, "net.ipv4.conf.default.promote_secondaries", "1");
    }

    private void router() {
        lab.addHost("r");
        noDadUnlessAsked("r");
        lab.sysctl("r", "net.ipv4.ip_forward", "1");
        lab.sysctl("r", "net.ipv6.conf.all.forwarding", "1");
        // Strict reverse-path filtering on every interface: a packet from A's old address arriving on the new
        // uplink is dropped, as an ISP's ingress filter would. rp_filter uses max(all, interface).
        lab.sysctl("r", "net.ipv4.conf.all.rp_filter", "0");
        lab.sysctl("r", "net.ipv4.conf.default.rp_filter", "1");
    }

    private void noDadUnlessAsked(String host) {
        String dad = family == Family.IPV6_DAD ? "1" : "0";
        lab.sysctl(host, "net.ipv6.conf.all.accept_dad", dad);
        lab.sysctl(host, "net.ipv6.conf.default.accept_dad", dad);
    }

    private void routerSide(String ifName, int subnet) {
        lab.run("r", "ip", "link", "set", ifName, "up");
        addAddress("r", ifName, family.address(subnet, 1) + "/" + family.prefixLength());
    }

    private Uplink uplink(String host, String ifName, int subnet, int hostPart, String gateway) {
        Uplink uplink = new Uplink(host, ifName, family.address(subnet, hostPart), family.prefixLength(), gateway);
        uplinks.computeIfAbsent(host, h -> new ArrayList<>()).add(uplink);
        return uplink;
    }

    /** Brings the interface up; an uplink in use also gets its address and the default route. */
    private void configure(Uplink uplink, boolean inUse) {
        lab.run(uplink.host(), "ip", "link", "set", uplink.ifName(), "up");
        if (inUse) {
            addAddress(uplink.host(), uplink.ifName(), uplink.cidr());
            if (uplink.gateway() != null) {
                lab.run(uplink.host(), "ip", family.ipFlag(), "route", "replace", "default",
                        "via", uplink.gateway(), "dev", uplink.ifName());
            }
        }
    }

    private void addAddress(String host, String ifName, String cidr) {
        lab.run(host, addressCommand(family, "add", cidr, ifName).toArray(String[]::new));
    }

    /** The ip command that adds or deletes an address; IPv6 gets nodad unless the DAD variant runs. */
    public static List<String> addressCommand(Family family, String verb, String cidr, String ifName) {
        List<String> cmd = new ArrayList<>(List.of("ip", family.ipFlag(), "addr", verb, cidr, "dev", ifName));
        if (family == Family.IPV6 && !verb.equals("del")) {
            cmd.add("nodad");
        }
        return cmd;
    }
}
