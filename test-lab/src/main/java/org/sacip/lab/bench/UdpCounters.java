package org.sacip.lab.bench;

import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/**
 * A host's UDP counters from {@code /proc/net/snmp} (its namespace's): datagrams delivered to a socket, and those
 * that arrived for a port no socket has. What a receiver got, where an interface's counters only say what was sent.
 */
record UdpCounters(long delivered, long noPort) {
    static final String SOURCE = "/proc/net/snmp";

    static UdpCounters read(Lab lab, String host) {
        String out = lab.run(host, "cat", SOURCE);
        List<String> udp = out.lines().filter(line -> line.startsWith("Udp: ")).toList();
        if (udp.size() != 2) {
            throw new LabException("no Udp: header and values in " + SOURCE + " of " + host + ": " + out.strip());
        }
        List<String> names = List.of(udp.get(0).substring(5).trim().split("\\s+"));
        String[] values = udp.get(1).substring(5).trim().split("\\s+");
        int inDatagrams = names.indexOf("InDatagrams");
        int noPorts = names.indexOf("NoPorts");
        if (inDatagrams < 0 || noPorts < 0 || values.length != names.size()) {
            throw new LabException("unexpected Udp: lines in " + SOURCE + " of " + host + ": " + udp);
        }
        try {
            return new UdpCounters(Long.parseLong(values[inDatagrams]), Long.parseLong(values[noPorts]));
        } catch (NumberFormatException e) {
            throw new LabException("unexpected Udp: values in " + SOURCE + " of " + host + ": " + udp.get(1), e);
        }
    }

    UdpCounters minus(UdpCounters earlier) {
        return new UdpCounters(delivered - earlier.delivered, noPort - earlier.noPort);
    }
}
