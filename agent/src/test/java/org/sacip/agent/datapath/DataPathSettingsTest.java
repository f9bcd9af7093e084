package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The log groups and mark bits the data path derives from the configuration, and where the ruleset uses them. */
class DataPathSettingsTest {

    @Test
    void pathMtuErrorsGoToTheGroupNextToTheOpenings() {
        assertEquals(9362, DataPathSettings.defaults().pathMtuGroup());
        assertEquals(2, new DataPathSettings(1, 0x3).pathMtuGroup());
        assertEquals(65534, new DataPathSettings(65535, 0x3).pathMtuGroup(), "there is no group 65536");
    }

    @Test
    void relayedErrorsCarryTheMasksLowestBit() {
        assertEquals(0x01000000L, DataPathSettings.defaults().relayedMark());
        assertEquals(0x00100000L, new DataPathSettings(7, 0x00f00000L).relayedMark());
    }

    @Test
    void theRulesetLogsPathMtuErrorsToTheirGroupAndSkipsRelayedOnes() throws Exception {
        String ruleset = SacipRuleset.text(new DataPathSettings(700, 0x00f00000L));
        assertTrue(ruleset.contains("meta mark & 0x00100000 == 0 icmp type destination-unreachable"), ruleset);
        assertTrue(ruleset.contains("meta mark & 0x00100000 == 0 ip6 nexthdr ipv6-icmp icmpv6 type packet-too-big"),
                ruleset);
        assertTrue(ruleset.contains("log prefix \"sacip-pmtu\" group 701 snaplen " + PathMtuRelay.COPY_RANGE),
                ruleset);
        assertTrue(ruleset.contains("log prefix \"sacip-synack\" group 700 "), ruleset);
        assertFalse(ruleset.contains("@PMTU_GROUP@") || ruleset.contains("@RELAYED_MARK@"), ruleset);
    }

    @Test
    void aNewSourceIsWrittenInTheRouteChainSoThePacketIsRoutedFromIt() throws Exception {
        String ruleset = SacipRuleset.text(new DataPathSettings(700, 0x00f00000L));
        String out = ruleset.substring(ruleset.indexOf("chain out {"), ruleset.indexOf("}", ruleset.indexOf("chain out {")));
        assertTrue(out.contains("type route hook output priority mangle"), out);
        assertTrue(out.contains("ip saddr set ip saddr . ip daddr . meta l4proto . th sport . th dport map @outsrc4"),
                out);
        assertTrue(out.contains("ip6 saddr set ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport map @outsrc6"),
                out);
        assertFalse(ruleset.contains("hook postrouting"), "nothing is rewritten after routing: " + ruleset);
    }
}
