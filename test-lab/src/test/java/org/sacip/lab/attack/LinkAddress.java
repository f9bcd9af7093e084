package org.sacip.lab.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HexFormat;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/** An interface of a lab host as the link layer sees it: its index in the host's namespace and its MAC. */
record LinkAddress(String host, String ifName, int index, byte[] mac) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The Ethernet address of IPv6 all-nodes multicast (ff02::1), which every IPv6 host on a link receives. */
    static final byte[] ALL_NODES_MAC = HexFormat.of().parseHex("333300000001");

    LinkAddress {
        mac = mac.clone();
    }

    /** Read with {@code ip -j link show dev IF} in the host's namespace. */
    static LinkAddress of(Lab lab, String host, String ifName) {
        String json = lab.run(host, "ip", "-j", "link", "show", "dev", ifName);
        try {
            JsonNode link = JSON.readTree(json).path(0);
            if (!link.path("ifindex").isInt() || !link.path("address").isTextual()) {
                throw new LabException("no index or address for " + ifName + " in " + host + ": " + json);
            }
            return new LinkAddress(host, ifName, link.path("ifindex").asInt(),
                    HexFormat.ofDelimiter(":").parseHex(link.path("address").asText()));
        } catch (IOException e) {
            throw new LabException("ip -j link printed no JSON for " + ifName + " in " + host + ": " + json, e);
        }
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }
}
