package org.sacip.lab.attack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sacip.commands.CommandException;
import org.sacip.commands.Commands;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;

/**
 * The lab's attackers topology with the hosts the security tests add to it, built the way TopologyBuilder builds
 * (veths made inside their namespaces, router addresses .1/::1, hosts without DAD unless asked):
 * <ul>
 * <li>{@link #addressReuse}: host C with uplink 1 on A's LAN (bridge lan1, no address until C is given one) and
 * uplink 2 on subnet 3; A gets a third uplink on subnet 4, for its next move.</li>
 * <li>{@link #addressPool}: host F behind R on subnet 31, holding {@code count} addresses of 2001:db8:30::/64 (as
 * /128s on {@value #POOL_DEVICES} port-less bridges, pool0 and up: the kernel adds addresses to one interface in
 * quadratic time, 50 s for 10,000 on one, about 10 s spread like this); R routes that /64 to F's link address (one
 * neighbour entry on R for the whole pool, as for a delegated prefix).</li>
 * </ul>
 */
final class AttackTopologies {
    static final int C_SECOND_SUBNET = 3;
    static final int A_THIRD_SUBNET = 4;
    static final int POOL_LINK_SUBNET = 31;
    static final String POOL_PREFIX = "2001:db8:30::";
    static final int POOL_DEVICES = 8;
    private static final Duration BATCH_LIMIT = Duration.ofMinutes(3);

    private AttackTopologies() {
    }

    static Topology addressReuse(Lab lab, Family family) {
        Topology base = TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
        endHost(lab, family, "c");
        lab.link("c", "up1", "r", "rc1");
        lab.run("r", "ip", "link", "set", "rc1", "master", "lan1");
        lab.run("r", "ip", "link", "set", "rc1", "up");
        lab.run("c", "ip", "link", "set", "up1", "up");
        lab.link("c", "up2", "r", "rc2");
        routerSide(lab, family, "rc2", C_SECOND_SUBNET);
        lab.run("c", "ip", "link", "set", "up2", "up");
        lab.link("a", "up3", "r", "ra3");
        routerSide(lab, family, "ra3", A_THIRD_SUBNET);
        lab.run("a", "ip", "link", "set", "up3", "up");
        Map<String, List<Uplink>> uplinks = new HashMap<>(base.uplinks());
        List<Uplink> a = new ArrayList<>(base.uplinks().get("a"));
        a.add(uplink("a", "up3", family, A_THIRD_SUBNET));
        uplinks.put("a", List.copyOf(a));
        // C's first uplink carries A's original address once C is given it (the address A left behind).
        uplinks.put("c", List.of(uplink("c", "up1", family, 1), uplink("c", "up2", family, C_SECOND_SUBNET)));
        return new Topology(lab, base.kind(), family, Map.copyOf(uplinks));
    }

    /** Gives host C the address uplink 1 names, with the default route there, as DHCP or SLAAC would. */
    static void takeAddress(Topology topology, String host) {
        Uplink up = topology.uplink(host, 0);
        Lab lab = topology.lab();
        lab.run(host, TopologyBuilder.addressCommand(topology.family(), "add", up.cidr(), up.ifName())
                .toArray(String[]::new));
        lab.run(host, "ip", topology.family().ipFlag(), "route", "replace", "default", "via", up.gateway(), "dev",
                up.ifName());
        // The router still maps the address to the old holder's link-layer address; a newcomer's traffic would
        // wait for that entry to go stale. A router that saw the lease change forgets it; so does this one.
        lab.run("r", "ip", "neigh", "flush", "to", up.address(), "dev", "lan1");
    }

    static Topology addressPool(Lab lab, int count) {
        Family family = Family.IPV6;
        Topology base = TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
        endHost(lab, family, "f");
        lab.link("f", "eth0", "r", "rf");
        routerSide(lab, family, "rf", POOL_LINK_SUBNET);
        Uplink link = uplink("f", "eth0", family, POOL_LINK_SUBNET);
        lab.run("f", "ip", "link", "set", "eth0", "up");
        lab.run("f", TopologyBuilder.addressCommand(family, "add", link.cidr(), "eth0").toArray(String[]::new));
        lab.run("f", "ip", "-6", "route", "replace", "default", "via", link.gateway(), "dev", "eth0");
        StringBuilder batch = new StringBuilder();
        for (int d = 0; d < POOL_DEVICES; d++) {
            batch.append("link add pool").append(d).append(" type bridge\n");
            batch.append("link set pool").append(d).append(" up\n");
        }
        for (int i = 1; i <= count; i++) {
            batch.append("addr add ").append(poolAddress(i)).append("/128 dev pool").append(i % POOL_DEVICES)
                    .append(" nodad\n");
        }
        runBatch(lab, "f", batch.toString());
        lab.run("r", "ip", "-6", "route", "add", POOL_PREFIX + "/64", "via", link.address(), "dev", "rf");
        Map<String, List<Uplink>> uplinks = new HashMap<>(base.uplinks());
        uplinks.put("f", List.of(link));
        return new Topology(lab, base.kind(), family, Map.copyOf(uplinks));
    }

    /** The {@code i}-th address of the pool (from 1). */
    static String poolAddress(int i) {
        return POOL_PREFIX + Integer.toHexString(i >> 16) + ":" + Integer.toHexString(i & 0xffff);
    }

    private static void runBatch(Lab lab, String host, String commands) {
        try {
            Path file = Files.createTempFile("sacip-attack-batch", ".ip");
            try {
                Files.writeString(file, commands);
                // Ten thousand addresses take 7 s on a quiet machine and over 30 s (Shell's limit) on a loaded one.
                Commands.run(List.of("ip", "-6", "-n", lab.ns(host), "-batch", file.toString()), BATCH_LIMIT)
                        .requireSuccess();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new LabException("cannot write an ip batch file: " + e.getMessage(), e);
        } catch (CommandException e) {
            throw new LabException("command failed: " + e.getMessage(), e);
        }
    }

    private static Uplink uplink(String host, String ifName, Family family, int subnet) {
        return new Uplink(host, ifName, family.address(subnet, 2), family.prefixLength(), family.address(subnet, 1));
    }

    /** As TopologyBuilder's end hosts: no DAD unless asked, secondaries promoted (sysctls before interfaces). */
    private static void endHost(Lab lab, Family family, String host) {
        lab.addHost(host);
        String dad = family == Family.IPV6_DAD ? "1" : "0";
        lab.sysctl(host, "net.ipv6.conf.all.accept_dad", dad);
        lab.sysctl(host, "net.ipv6.conf.default.accept_dad", dad);
        lab.sysctl(host, "net.ipv4.conf.all.promote_secondaries", "1");
        lab.sysctl(host, "net.ipv4.conf.default.promote_secondaries", "1");
    }

    private static void routerSide(Lab lab, Family family, String ifName, int subnet) {
        lab.run("r", "ip", "link", "set", ifName, "up");
        lab.run("r", TopologyBuilder.addressCommand(family, "add", family.address(subnet, 1) + "/"
                + family.prefixLength(), ifName).toArray(String[]::new));
    }
}
