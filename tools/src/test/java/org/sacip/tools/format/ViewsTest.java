package org.sacip.tools.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sacip.control.ControlJson;
import org.sacip.tools.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;

class ViewsTest {
    @Test
    void sessionsShowOneAlignedRowPerSessionWithIpv6InBrackets() {
        String text = SessionsView.render(Fixtures.json("sessions.json"));
        List<String> lines = text.lines().toList();
        assertEquals(5, lines.size());
        assertEquals("Proto  State    Local                  Remote                 Active-Local           "
                + "Active-Remote          Path       NAT                        Since                 Peer            "
                + "Binding", lines.get(0));
        assertEquals("tcp    active   198.18.1.2:40000       198.18.10.2:22         198.18.2.2:40000       "
                + "198.18.10.2:22         rewritten  public 198.19.255.1:61000  2026-11-23T13:01:00Z  198.18.10.2     "
                + "bound", lines.get(1));
        assertEquals("udp    legacy   198.18.1.2:5353        198.18.10.3:53         198.18.1.2:5353        "
                + "198.18.10.3:53         direct     -                          2026-11-23T13:02:00Z  198.18.10.3     "
                + "no-agent", lines.get(2));
        assertEquals("tcp    pending  [2001:db8:1::2]:40001  [2001:db8:10::2]:443   [2001:db8:2::2]:40001  "
                + "[2001:db8:10::2]:443   rewritten  -                          2026-11-23T13:03:00Z  2001:db8:10::2  "
                + "bound", lines.get(3));
        assertColumnsAligned(lines, SessionsView.HEADERS);
    }

    @Test
    void anEmptySessionListPrintsOnlyTheHeader() {
        assertEquals("Proto  State  Local  Remote  Active-Local  Active-Remote  Path  NAT  Since  Peer  Binding\n",
                SessionsView.render(ControlJson.MAPPER.createArrayNode()));
    }

    @Test
    void peersShowDashesForUnknownKeyAgeLastSeenAndRttAndTheirPath() {
        List<String> lines = PeersView.render(Fixtures.json("peers.json")).lines().toList();
        assertEquals(3, lines.size());
        assertColumnsAligned(lines, PeersView.HEADERS);
        List<String> known = List.of(lines.get(1).split(" {2,}"));
        assertEquals(List.of("198.18.10.2", "198.18.1.2", "198.18.10.2", "198.18.2.2", "sacip-v2", "3f2a9c01",
                "5m12s", "1", "17", "12", "2026-11-23T13:05:00Z", "0.46ms", "udp/198.18.10.2:4253", "peer"), known);
        List<String> unknown = List.of(lines.get(2).split(" {2,}"));
        assertEquals(List.of("2001:db8:10::2", "2001:db8:1::2", "2001:db8:10::2", "2001:db8:1::2", "sacip-v2",
                "0011223344556677", "-", "0", "0", "0", "-", "-", "icmp", "-"), unknown);
    }

    @Test
    void ghostsAreATable() {
        assertEquals("""
                Address        State    Sessions
                198.18.1.2     active   2
                2001:db8:1::2  standby  0
                """, GhostsView.render(Fixtures.json("ghosts.json")));
    }

    @Test
    void statusIsKeyValueLinesWithNonZeroDropsAndTheTotalAndUdp() {
        assertEquals("""
                version:                       0.1.0-SNAPSHOT
                started:                       2026-11-23T13:00:00Z
                uptime:                        1h02m
                managed addresses:             198.18.2.2 (eth1), 2001:db8:2::2 (eth1)
                ghosts:                        1
                sessions:                      4
                peers:                         2
                moves:                         3
                restores:                      1
                drops BAD_MAC:                 2
                drops UNKNOWN_PEER:            5
                drops total:                   7
                path mtu relayed:              3
                retransmission kicks kicked:   2
                retransmission kicks reverted: 2
                retransmission kicks idle:     5
                udp port:                      4253
                udp received:                  12
                udp sent:                      10
                udp lineages:                  1
                udp keepalives unanswered:     1
                """, StatusView.render(Fixtures.json("status.json")));
    }

    @Test
    void statusWithoutManagedAddressesOrDropsSaysSo() throws Exception {
        JsonNode status = ControlJson.MAPPER.readTree("{\"version\":\"1\",\"started\":\"2026-11-23T13:00:00Z\","
                + "\"uptime_seconds\":5,\"managed_addresses\":[],\"ghosts\":0,\"sessions\":0,\"peers\":0,"
                + "\"moves\":0,\"restores\":0,\"drops\":{\"BAD_MAC\":0},\"drops_total\":0}");
        String text = StatusView.render(status);
        assertTrue(text.contains("managed addresses: none\n"), text);
        assertTrue(text.contains("uptime:            5s\n"), text);
        assertFalse(text.contains("BAD_MAC"), text);
        assertTrue(text.endsWith("drops total:       0\n"), text);
    }

    @Test
    void anEventIsTimeTypeAndSummaryOnOneLine() throws Exception {
        JsonNode event = ControlJson.MAPPER.readTree("{\"time\":\"2026-11-23T13:06:00Z\",\"type\":\"move\","
                + "\"summary\":\"198.18.1.2 moved to 198.18.2.2 (3 sessions)\",\"fields\":{\"sessions\":\"3\"}}");
        assertEquals("2026-11-23T13:06:00Z  move         198.18.1.2 moved to 198.18.2.2 (3 sessions)\n",
                EventView.render(event));
    }

    @Test
    void flushReportsWhatWasRemoved() throws Exception {
        assertEquals("flushed: removed the remapping of 4 session(s) and 1 ghost address(es)\n",
                FlushView.render(ControlJson.MAPPER.readTree("{\"sessions\":4,\"ghosts\":1}")));
    }

    @Test
    void durationsAreCompact() {
        assertEquals("0s", Durations.compact(0));
        assertEquals("59s", Durations.compact(59));
        assertEquals("5m12s", Durations.compact(312));
        assertEquals("1h02m", Durations.compact(3723));
        assertEquals("2d03h", Durations.compact(2 * 86_400 + 3 * 3_600 + 59));
    }

    /** Every cell starts where its header starts (cells never contain two spaces in a row). */
    private static void assertColumnsAligned(List<String> lines, List<String> headers) {
        List<Integer> starts = new ArrayList<>();
        for (String header : headers) {
            starts.add(lines.get(0).indexOf(header));
        }
        for (String line : lines) {
            assertEquals(line.stripTrailing(), line, "no trailing blanks");
            for (int i = 1; i < starts.size(); i++) {
                int start = starts.get(i);
                assertEquals(' ', line.charAt(start - 1), "gap before column " + headers.get(i) + " in " + line);
                assertEquals(' ', line.charAt(start - 2), "two-space gap before " + headers.get(i) + " in " + line);
                assertTrue(line.charAt(start) != ' ', "column " + headers.get(i) + " starts at its header in " + line);
            }
        }
    }
}
