package org.sacip.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/** An interface's transmit counters, from {@code ip -s -j link show dev IF} in its host. */
record LinkCounters(long txBytes, long txPackets) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static LinkCounters read(Lab lab, String host, String ifName) {
        String out = lab.run(host, "ip", "-s", "-j", "link", "show", "dev", ifName);
        try {
            JsonNode tx = JSON.readTree(out).path(0).path("stats64").path("tx");
            if (tx.isMissingNode()) {
                throw new LabException("no tx counters for " + ifName + " in " + host + ": " + out.strip());
            }
            return new LinkCounters(tx.path("bytes").asLong(), tx.path("packets").asLong());
        } catch (IOException e) {
            throw new LabException("cannot read the counters of " + ifName + " in " + host + ": " + e.getMessage(), e);
        }
    }

    LinkCounters minus(LinkCounters earlier) {
        return new LinkCounters(txBytes - earlier.txBytes, txPackets - earlier.txPackets);
    }
}
