package org.sacip.netlink.route;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import org.sacip.netlink.AddressText;

/**
 * A policy routing rule that drops what one exact flow sends: {@code ip rule add pref PRIORITY from SOURCE to
 * DESTINATION ipproto PROTOCOL sport SPORT dport DPORT [fwmark MARK/MASK] blackhole}. A zero mask means no fwmark
 * selector. A special case of {@link RoutingRule} (without a rule protocol tag), kept for the agent's reset blocks.
 */
public record BlackholeRule(int priority, InetAddress source, InetAddress destination, int ipProtocol, int sourcePort,
        int destinationPort, long fwmark, long fwmask) {

    /** A rule without an fwmark selector. */
    public BlackholeRule(int priority, InetAddress source, InetAddress destination, int ipProtocol, int sourcePort,
            int destinationPort) {
        this(priority, source, destination, ipProtocol, sourcePort, destinationPort, 0, 0);
    }

    public BlackholeRule {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (source.getClass() != destination.getClass()) {
            throw new IllegalArgumentException("source and destination of different families");
        }
        if (sourcePort < 1 || sourcePort > 65535 || destinationPort < 1 || destinationPort > 65535) {
            throw new IllegalArgumentException("ports must be in 1..65535");
        }
        if (ipProtocol < 1 || ipProtocol > 255) {
            throw new IllegalArgumentException("IP protocol " + ipProtocol);
        }
        if (fwmark < 0 || fwmark > 0xffffffffL || fwmask < 0 || fwmask > 0xffffffffL || (fwmark & ~fwmask) != 0) {
            throw new IllegalArgumentException("fwmark " + fwmark + "/" + fwmask + " is not a 32-bit mark/mask");
        }
    }

    public boolean isIpv4() {
        return source instanceof Inet4Address;
    }

    /** The same rule in the general form the kernel is told. */
    public RoutingRule toRoutingRule() {
        return RoutingRule.of(isIpv4() ? Rtnl.AF_INET : Rtnl.AF_INET6, priority, RuleAction.BLACKHOLE, 0)
                .withFrom(IpPrefix.host(source)).withTo(IpPrefix.host(destination))
                .withFwmark(fwmark, fwmask).withIpProtocol(ipProtocol)
                .withSourcePorts(PortRange.of(sourcePort)).withDestinationPorts(PortRange.of(destinationPort));
    }

    /** The rule as a single-flow blackhole rule, if it is one (whatever its protocol tag). */
    public static Optional<BlackholeRule> of(RoutingRule rule) {
        if (rule.action() != RuleAction.BLACKHOLE || rule.from().isEmpty() || rule.to().isEmpty()
                || !isHost(rule.from().get()) || !isHost(rule.to().get()) || rule.ipProtocol() == 0
                || rule.sourcePorts().isEmpty() || rule.destinationPorts().isEmpty()
                || !rule.sourcePorts().get().isSinglePort() || !rule.destinationPorts().get().isSinglePort()
                || rule.priority() > Integer.MAX_VALUE || (rule.fwmark() & ~rule.fwmask()) != 0) {
            return Optional.empty();
        }
        return Optional.of(new BlackholeRule((int) rule.priority(), rule.from().get().address(),
                rule.to().get().address(), rule.ipProtocol(), rule.sourcePorts().get().start(),
                rule.destinationPorts().get().start(), rule.fwmark(), rule.fwmask()));
    }

    private static boolean isHost(IpPrefix prefix) {
        return prefix.length() == prefix.address().getAddress().length * 8;
    }

    @Override
    public String toString() {
        return "pref " + priority + " from " + AddressText.of(source) + " to " + AddressText.of(destination)
                + " ipproto " + ipProtocol + " sport " + sourcePort + " dport " + destinationPort
                + (fwmask == 0 ? "" : " fwmark 0x" + Long.toHexString(fwmark) + "/0x" + Long.toHexString(fwmask))
                + " blackhole";
    }
}
