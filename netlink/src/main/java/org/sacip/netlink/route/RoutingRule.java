package org.sacip.netlink.route;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.sacip.netlink.AddressText;

/**
 * A policy routing rule ({@code ip rule}) of one family (AF_INET 2, AF_INET6 10): its priority, the selectors
 * {@code from}, {@code to}, fwmark/mask (mask 0: no mark selector), IP protocol (0: any) and port ranges, then its
 * action: look up {@code table} (optionally with {@code suppress_prefixlength}: ignore a route that matched with a
 * prefix this short or shorter), or blackhole, unreachable, prohibit. {@code protocol} (FRA_PROTOCOL; 0 unspec, as
 * {@code ip rule add} makes them) names who made the rule, so a program can tag its own and find and delete only those.
 *
 * <p>Selectors this record does not carry (interface names, uid range, tos/dscp, {@code not}, a goto's target) are
 * left out of listed rules; match a listed rule by its protocol before acting on it.
 */
public record RoutingRule(int family, long priority, Optional<IpPrefix> from, Optional<IpPrefix> to, long table,
        OptionalInt suppressPrefixLength, long fwmark, long fwmask, int ipProtocol, Optional<PortRange> sourcePorts,
        Optional<PortRange> destinationPorts, RuleAction action, int protocol) {

    public static final int TABLE_MAIN = 254;
    public static final int TABLE_LOCAL = 255;

    public RoutingRule {
        Objects.requireNonNull(action, "action");
        if (family != Rtnl.AF_INET && family != Rtnl.AF_INET6) {
            throw new IllegalArgumentException("family " + family + " is neither AF_INET nor AF_INET6");
        }
        for (Optional<IpPrefix> prefix : java.util.List.of(from, to)) {
            if (prefix.isPresent() && prefix.get().family() != family) {
                throw new IllegalArgumentException("selector " + prefix.get() + " is not of family " + family);
            }
        }
        if (priority < 0 || priority > 0xffffffffL || table < 0 || table > 0xffffffffL) {
            throw new IllegalArgumentException("priority " + priority + " or table " + table + " is not 32-bit");
        }
        int bits = family == Rtnl.AF_INET ? 32 : 128;
        if (suppressPrefixLength.isPresent()
                && (suppressPrefixLength.getAsInt() < 0 || suppressPrefixLength.getAsInt() > bits)) {
            throw new IllegalArgumentException("suppress_prefixlength " + suppressPrefixLength.getAsInt());
        }
        if (fwmark < 0 || fwmark > 0xffffffffL || fwmask < 0 || fwmask > 0xffffffffL || (fwmark != 0 && fwmask == 0)) {
            throw new IllegalArgumentException("fwmark " + fwmark + "/" + fwmask + " is not a 32-bit mark with a mask");
        }
        if (ipProtocol < 0 || ipProtocol > 255 || protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol " + ipProtocol + " or rule protocol " + protocol
                    + " outside 0..255");
        }
    }

    /** {@code ip rule add pref PRIORITY lookup TABLE proto PROTOCOL}, selecting everything so far. */
    public static RoutingRule lookup(int family, long priority, long table, int protocol) {
        return new RoutingRule(family, priority, Optional.empty(), Optional.empty(), table, OptionalInt.empty(), 0,
                0, 0, Optional.empty(), Optional.empty(), RuleAction.LOOKUP, protocol);
    }

    /** A rule with another action (blackhole, unreachable, prohibit), selecting everything so far. */
    public static RoutingRule of(int family, long priority, RuleAction action, int protocol) {
        return new RoutingRule(family, priority, Optional.empty(), Optional.empty(), 0, OptionalInt.empty(), 0, 0,
                0, Optional.empty(), Optional.empty(), action, protocol);
    }

    public RoutingRule withFrom(IpPrefix prefix) {
        return new RoutingRule(family, priority, Optional.of(prefix), to, table, suppressPrefixLength, fwmark,
                fwmask, ipProtocol, sourcePorts, destinationPorts, action, protocol);
    }

    public RoutingRule withTo(IpPrefix prefix) {
        return new RoutingRule(family, priority, from, Optional.of(prefix), table, suppressPrefixLength, fwmark,
                fwmask, ipProtocol, sourcePorts, destinationPorts, action, protocol);
    }

    public RoutingRule withSuppressPrefixLength(int length) {
        return new RoutingRule(family, priority, from, to, table, OptionalInt.of(length), fwmark, fwmask,
                ipProtocol, sourcePorts, destinationPorts, action, protocol);
    }

    public RoutingRule withFwmark(long mark, long mask) {
        return new RoutingRule(family, priority, from, to, table, suppressPrefixLength, mark, mask, ipProtocol,
                sourcePorts, destinationPorts, action, protocol);
    }

    public RoutingRule withIpProtocol(int number) {
        return new RoutingRule(family, priority, from, to, table, suppressPrefixLength, fwmark, fwmask, number,
                sourcePorts, destinationPorts, action, protocol);
    }

    public RoutingRule withSourcePorts(PortRange ports) {
        return new RoutingRule(family, priority, from, to, table, suppressPrefixLength, fwmark, fwmask, ipProtocol,
                Optional.of(ports), destinationPorts, action, protocol);
    }

    public RoutingRule withDestinationPorts(PortRange ports) {
        return new RoutingRule(family, priority, from, to, table, suppressPrefixLength, fwmark, fwmask, ipProtocol,
                sourcePorts, Optional.of(ports), action, protocol);
    }

    /** As {@code ip rule} prints it. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(family == Rtnl.AF_INET ? "inet " : "inet6 ").append(priority)
                .append(": from ").append(from.map(RoutingRule::selector).orElse("all"));
        to.ifPresent(prefix -> text.append(" to ").append(selector(prefix)));
        if (fwmask != 0) {
            text.append(" fwmark 0x").append(Long.toHexString(fwmark)).append("/0x").append(Long.toHexString(fwmask));
        }
        if (ipProtocol != 0) {
            text.append(" ipproto ").append(ipProtocol);
        }
        sourcePorts.ifPresent(ports -> text.append(" sport ").append(ports));
        destinationPorts.ifPresent(ports -> text.append(" dport ").append(ports));
        text.append(action == RuleAction.LOOKUP ? " lookup " + table : " " + action.name().toLowerCase());
        suppressPrefixLength.ifPresent(length -> text.append(" suppress_prefixlength ").append(length));
        return text.append(" proto ").append(protocol).toString();
    }

    private static String selector(IpPrefix prefix) {
        return prefix.length() == prefix.address().getAddress().length * 8 ? AddressText.of(prefix.address())
                : prefix.toString();
    }
}
