package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;

/**
 * An endpoint given bad options says so in one typed error and resolves no names; a gap client told when to connect
 * connects then and reports when its connect() started and when the connection was up.
 */
class EndpointTest {
    @Test
    void aGapClientConnectsAtTheTimeItIsGivenAndSaysWhenItStarted() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.TWO_HOSTS, Family.IPV4);
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", "198.18.0.2:5001"));
            server.await("ready", 60_000);
            long dueMicros = (System.currentTimeMillis() + 2000) * 1000;
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false, Map.of("bind", "198.18.0.1",
                    "connect", "198.18.0.2:5001", "connectAtMs", Long.toString(dueMicros / 1000)));
            JsonNode connected = client.await("connected", 60_000);
            long connecting = connected.path("connectingAtMicros").asLong();
            long up = connected.path("atMicros").asLong();
            assertTrue(connecting >= dueMicros, "connect() started at " + connecting + ", due at " + dueMicros);
            assertTrue(up >= connecting, "up at " + up + ", connect() started at " + connecting);
            server.await("connected", 60_000);
        }
    }

    @Test
    void hostNamesAndMissingOptionsAreRefused() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.TWO_HOSTS, Family.IPV4);
            Endpoint byName = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", "example.com:5001"));
            LabException e = assertThrows(LabException.class, () -> byName.await("ready", 60_000));
            assertTrue(e.getMessage().contains("not an IP address literal"), e.getMessage());

            Endpoint noTarget = Endpoint.start(lab, "a", TrafficKind.UDP, false, Map.of("bind", "198.18.0.1"));
            LabException missing = assertThrows(LabException.class, () -> noTarget.await("connected", 60_000));
            assertTrue(missing.getMessage().contains("missing option connect="), missing.getMessage());
        }
    }
}
