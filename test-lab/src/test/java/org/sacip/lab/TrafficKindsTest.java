package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioResult;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;

/** Each traffic kind, on a link where nothing moves, delivers everything intact: the verification itself works. */
class TrafficKindsTest {
    private static ScenarioResult quiet(String name, TrafficKind kind) {
        return LabScenarios.run(Scenario.of(name, TopologyKind.TWO_HOSTS, Family.IPV4, kind, MovePattern.NONE, false)
                .withTimes(500, 1000).withConnections(300));
    }

    @Test
    void bulkArrivesByteForByteWithMatchingHash() {
        ScenarioResult r = quiet("bulk-two-hosts", TrafficKind.BULK);
        assertEquals("survived", r.verdict(), r.toString());
        assertEquals(Boolean.TRUE, r.hashesMatch());
        assertEquals(0, r.bytesCorrupted());
        assertTrue(r.bytesReceived() > 1_000_000, "bulk moved only " + r.bytesReceived() + " bytes");
    }

    @Test
    void udpRequestsAllGetTheirResponse() {
        ScenarioResult r = quiet("udp-two-hosts", TrafficKind.UDP);
        assertEquals("survived", r.verdict(), r.toString());
        assertEquals(0, r.bytesLost());
        assertEquals(0, r.sendErrors());
        assertTrue(r.client().bytesReceived() > 0);
    }

    @Test
    void ipv6GapStreamThroughTheRouterSurvives() {
        ScenarioResult r = LabScenarios.run(Scenario.of("gap-ipv6-no-move", TopologyKind.ROAMING, Family.IPV6,
                TrafficKind.GAP, MovePattern.NONE, false).withTimes(500, 1000));
        assertEquals("survived", r.verdict(), r.toString());
        assertEquals(0, r.bytesLost());
        assertTrue(r.clientStartTuple().startsWith("[2001:db8:1::2]:"), r.clientStartTuple());
    }

    @Test
    void tenThousandConnectionsAtOnce() {
        ScenarioResult r = LabScenarios.run(Scenario.of("many-10000-two-hosts", TopologyKind.TWO_HOSTS, Family.IPV4,
                TrafficKind.MANY, MovePattern.NONE, false).withTimes(500, 1000).withConnections(10_000));
        assertEquals("survived", r.verdict(), r.verdict() + " " + r.failure());
        assertEquals(10_000, r.client().connections());
        assertEquals(10_000, r.server().connections());
        assertEquals(0, r.bytesLost());
    }

    @Test
    void manyConnectionsAllStayOpenAndInOrder() {
        ScenarioResult r = quiet("many-two-hosts", TrafficKind.MANY);
        assertEquals("survived", r.verdict(), r.toString());
        assertEquals(300, r.client().connections());
        assertEquals(300, r.server().connections());
        assertEquals(0, r.client().connectionsFailed());
        assertEquals(0, r.bytesLost());
        // Every connection sent at least once: 300 connections x 8 bytes per round.
        assertTrue(r.client().bytesSent() >= 300 * 8);
    }
}
