package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sacip.control.ControlCommand;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/** The agent shares the host's routing rules and packet marks with other software, and must keep to its own. */
class ForeignRulesAndMarksTest {
    /** The priority the agent's per-session reset blocks used, where another program's rule now sits. */
    private static final String OLD_RESET_BLOCK_PRIORITY = "9361";
    private static final String FOREIGN_RULE_PORT = "5555";
    private static final long MASK = 0x00f0_0000L;
    private static final int PORT = 5001;
    private static final Set<String> DEFAULT_RULE_PROTOCOLS = Set.of("unspec", "redirect", "kernel", "boot",
            "static");

    /**
     * Another program's blackhole rule that looks like one of the agent's old reset blocks (same priority, TCP,
     * fwmark 0/0x20000000) must survive the agent's restart after a crash and a {@code flush}.
     */
    @Test
    void theAgentNeverDeletesARoutingRuleItDidNotCreate() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, family);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            lab.run("b", "ip", "-4", "rule", "add", "priority", OLD_RESET_BLOCK_PRIORITY, "from", "198.18.10.2",
                    "to", "198.18.99.1", "fwmark", "0/0x20000000", "ipproto", "tcp", "sport", "4444", "dport",
                    FOREIGN_RULE_PORT, "blackhole");
            assertTrue(foreignRule(lab).isPresent(), "precondition: the foreign rule was not added");

            agents.killHard("b");
            agents.restart("b");
            Optional<JsonNode> afterRestart = foreignRule(lab);
            agents.control("b").request(ControlCommand.FLUSH);
            Optional<JsonNode> afterFlush = foreignRule(lab);
            System.out.printf("foreign rule: after the agent's restart %s, after flush %s%n", afterRestart,
                    afterFlush);
            assertAll(
                    () -> assertTrue(afterRestart.isPresent(), "the agent deleted another program's routing rule"
                            + " when it restarted"),
                    () -> assertTrue(afterFlush.isPresent(), "the agent deleted another program's routing rule"
                            + " on flush"));
        }
    }

    /**
     * B's agent runs with {@code mark-mask = 0x00f00000}. A streams to B and moves, so B rewrites the stream's
     * packets. None of B's packets of the stream leaves with a mark bit outside the mask, and any routing rule the
     * agent adds matches marks only inside it and carries a protocol tag of its own (not one `ip rule add` uses).
     */
    @Test
    void marksComeFromTheConfiguredMask() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            List<JsonNode> rulesBefore = KernelTables.rules(lab, "b", "-4");
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a"));
            assertTrue(agents.running(), agents.note());
            ConfiguredAgent agentB = ConfiguredAgent.start(lab, "b", String.format("mark-mask = 0x%08x%n", MASK));
            AgentControl controlB = agentB.control();
            // Counts B's packets of the stream as they leave, with and without a mark bit outside the mask.
            lab.run("b", "nft", "add table inet marks; "
                    + "add chain inet marks post { type filter hook postrouting priority 400; }; "
                    + "add rule inet marks post tcp sport " + PORT + " counter; "
                    + String.format("add rule inet marks post tcp sport %d meta mark & 0x%08x != 0 counter", PORT,
                    ~MASK & 0xffff_ffffL));

            VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, PORT));
            PeerKeys.await(agents, "a", b);
            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            String expected = Addresses.endpoint(y, stream.clientPort());
            Waits.until("B sends the stream to Y", 10_000, () -> AgentFacts.session(controlB,
                    Addresses.endpoint(b, PORT), Addresses.endpoint(x, stream.clientPort())),
                    AgentFacts.sentTo(expected));
            long[] start = counters(lab);
            long[] now = Waits.until("500 of B's rewritten packets leave", 10_000, () -> counters(lab),
                    c -> c[0] - start[0] >= 500);
            List<JsonNode> added = KernelTables.rules(lab, "b", "-4").stream()
                    .filter(rule -> !rulesBefore.contains(rule)).toList();
            stream.finish();
            Set<String> protocols = new HashSet<>();
            added.forEach(rule -> protocols.add(rule.path("protocol").asText("unspec")));
            System.out.printf("marks: %d of B's stream packets left, %d with a mark bit outside 0x%08x; rules the"
                    + " agent added %s%n", now[0], now[1], MASK, added);
            assertAll(
                    () -> assertEquals(0, now[1], now[1] + " of B's packets carried a mark bit outside the"
                            + " configured mask"),
                    () -> assertTrue(added.stream().allMatch(rule -> (fwmask(rule) & ~MASK) == 0),
                            "rules the agent added match marks outside the mask: " + added),
                    () -> assertTrue(protocols.stream().noneMatch(DEFAULT_RULE_PROTOCOLS::contains),
                            "rules the agent added carry no protocol tag of their own: " + protocols));
        }
    }

    private static Optional<JsonNode> foreignRule(Lab lab) {
        return KernelTables.rules(lab, "b", "-4").stream()
                .filter(rule -> rule.path("priority").asText().equals(OLD_RESET_BLOCK_PRIORITY)
                        && rule.path("dport").asText().equals(FOREIGN_RULE_PORT)).findFirst();
    }

    /** The packets counted by the two rules of table inet marks: all, and those with a mark outside the mask. */
    private static long[] counters(Lab lab) {
        Matcher matcher = Pattern.compile("counter packets (\\d+)").matcher(lab.run("b", "nft", "list", "table",
                "inet", "marks"));
        long[] counts = new long[2];
        for (int i = 0; i < 2 && matcher.find(); i++) {
            counts[i] = Long.parseLong(matcher.group(1));
        }
        return counts;
    }

    /**
     * The mark bits a rule looks at, as ip -j prints them ("fwmask": "0x20000000"); a fwmark without a mask looks at
     * all 32 bits, a rule without a fwmark at none.
     */
    private static long fwmask(JsonNode rule) {
        if (rule.has("fwmask")) {
            return Long.decode(rule.path("fwmask").asText());
        }
        return rule.has("fwmark") ? 0xffff_ffffL : 0;
    }
}
