package org.sacip.netlink.route;

import java.nio.file.Path;
import java.util.List;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkSocket;
import org.sacip.netlink.fixtures.CaptureKernelFixtures;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Captures the rule and route fixtures of {@link RuleFixturesTest}: rules and a route made with {@code ip} (not with
 * this module's builders) in a throwaway namespace, read back from the kernel's dumps:
 * {@code mvn -B -q -o -pl netlink exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.netlink.route.CaptureRuleFixtures -Dexec.args=OUTPUT_DIRECTORY}.
 */
public final class CaptureRuleFixtures {
    private CaptureRuleFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String origin = CaptureKernelFixtures.origin("CaptureRuleFixtures");
        try (TestNamespace ns = TestNamespace.create("fr");
                NetlinkSocket route = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            String link = ns.addVethPair("r");
            ns.exec("ip", "addr", "add", "198.18.2.1/24", "dev", link);
            String[][] rules = {
                {"newrule-lookup-from-tagged", "ip rule add pref 1001 from 198.18.2.1 lookup 100 proto 201"},
                {"newrule-ipv6-suppress-main", "ip -6 rule add pref 1000 lookup main suppress_prefixlength 0 proto 201"},
                {"newrule-selectors-unreachable", "ip rule add pref 2000 from 198.18.0.0/16 to 198.19.4.0/24 fwmark "
                        + "0x10/0xf0 ipproto tcp sport 1000-2000 dport 443 unreachable proto 201"},
                {"newrule-big-table-untagged", "ip rule add pref 3000 fwmark 0x1 lookup 3000000000"}};
            for (String[] rule : rules) {
                ns.exec(rule[1].split(" "));
            }
            List<NetlinkMessage> dump = route.dump(new NetlinkMessageBuilder(Rtnl.RTM_GETRULE,
                    NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP)
                    .familyHeader(new byte[Rtnl.FIB_RULE_HDR_LENGTH]).build(route.nextSequence()));
            int[] priorities = {1001, 1000, 2000, 3000};
            for (int i = 0; i < rules.length; i++) {
                int priority = priorities[i];
                CaptureKernelFixtures.write(out, rules[i][0], origin + rules[i][1], first(dump, m ->
                        RuleMessages.parse(m).map(r -> r.priority() == priority).orElse(false)));
            }

            String added = "ip route add default via 198.18.2.254 dev " + link + " table 100 proto 201";
            ns.exec(added.split(" "));
            byte[] rtmsg = new byte[Rtnl.RTMSG_LENGTH];
            rtmsg[0] = (byte) Rtnl.AF_INET;
            CaptureKernelFixtures.write(out, "newroute-default-table-tagged", origin + added, first(route.dump(
                    new NetlinkMessageBuilder(Rtnl.RTM_GETROUTE, NetlinkConstants.NLM_F_REQUEST
                            | NetlinkConstants.NLM_F_DUMP).familyHeader(rtmsg).build(route.nextSequence())),
                    m -> RouteMessageParser.parse(m).table() == 100));
        }
    }

    private interface Check {
        boolean test(NetlinkMessage message) throws Exception;
    }

    private static NetlinkMessage first(List<NetlinkMessage> messages, Check wanted) throws Exception {
        for (NetlinkMessage message : messages) {
            if (wanted.test(message)) {
                return message;
            }
        }
        throw new IllegalStateException("no such message in the dump");
    }
}
