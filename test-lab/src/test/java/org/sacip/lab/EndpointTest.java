package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;

/** An endpoint given bad options says so in one typed error and resolves no names. */
class EndpointTest {
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
