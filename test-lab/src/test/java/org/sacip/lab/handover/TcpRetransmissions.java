package org.sacip.lab.handover;

import java.util.List;
import org.sacip.lab.Lab;

/**
 * The TCP segments a host's kernel retransmitted ({@code RetransSegs} of the {@code Tcp:} lines of
 * {@code /proc/net/snmp}, what {@code nstat TcpRetransSegs} reports), read inside the host's namespace: every TCP
 * socket there counts, and in the lab the stream under test is the only TCP connection of its hosts.
 */
final class TcpRetransmissions {
    private TcpRetransmissions() {
    }

    /** The namespace's count now. */
    static long of(Lab lab, String host) {
        return parse(lab.run(host, "cat", "/proc/net/snmp"));
    }

    /** The counts of several hosts, in their order. */
    static long[] of(Lab lab, List<String> hosts) {
        return hosts.stream().mapToLong(host -> of(lab, host)).toArray();
    }

    /** RetransSegs from the text of /proc/net/snmp: a header line and a value line, both starting "Tcp:". */
    static long parse(String snmp) {
        List<String> tcp = snmp.lines().filter(line -> line.startsWith("Tcp:")).toList();
        if (tcp.size() != 2) {
            throw new AssertionError("/proc/net/snmp has no Tcp header and value lines: " + snmp);
        }
        List<String> names = List.of(tcp.get(0).trim().split("\\s+"));
        String[] values = tcp.get(1).trim().split("\\s+");
        int column = names.indexOf("RetransSegs");
        if (column < 0 || column >= values.length) {
            throw new AssertionError("/proc/net/snmp has no RetransSegs: " + tcp);
        }
        return Long.parseLong(values[column]);
    }
}
