package org.sacip.lab.handover;

import java.util.List;
import org.sacip.lab.Lab;

/**
 * What a host's kernel retransmitted, read inside the host's namespace (every TCP socket there counts; in the lab
 * the stream under test is the only TCP connection of its hosts): {@code RetransSegs} of /proc/net/snmp (what
 * {@code nstat TcpRetransSegs} reports), the tail loss probes among them ({@code TCPLossProbes}) and the segments
 * the peer reported as duplicates with a D-SACK ({@code TCPDSACKRecvSegs} of /proc/net/netstat, RFC 2883).
 *
 * <p>A retransmission the peer reported as a duplicate was not a loss: its original had arrived. On a loaded machine
 * a delayed ACK can fire a tail loss probe (two smoothed round trips plus two jiffies, a few milliseconds in the lab)
 * with nothing lost; the D-SACK tells such a probe apart from a segment the network dropped.
 */
record TcpRetransmissions(long retransmitted, long lossProbes, long reportedDuplicate) {

    /** The namespace's counts now, both files read by one process. */
    static TcpRetransmissions of(Lab lab, String host) {
        return parse(lab.run(host, "cat", "/proc/net/snmp", "/proc/net/netstat"));
    }

    /** The counts of several hosts, in their order. */
    static List<TcpRetransmissions> of(Lab lab, List<String> hosts) {
        return hosts.stream().map(host -> of(lab, host)).toList();
    }

    /** The counts from the text of /proc/net/snmp and /proc/net/netstat, one after the other. */
    static TcpRetransmissions parse(String snmpAndNetstat) {
        return new TcpRetransmissions(counter(snmpAndNetstat, "Tcp:", "RetransSegs"),
                counter(snmpAndNetstat, "TcpExt:", "TCPLossProbes"),
                counter(snmpAndNetstat, "TcpExt:", "TCPDSACKRecvSegs"));
    }

    /** What changed since {@code before}. */
    TcpRetransmissions since(TcpRetransmissions before) {
        return new TcpRetransmissions(retransmitted - before.retransmitted, lossProbes - before.lossProbes,
                reportedDuplicate - before.reportedDuplicate);
    }

    /** Retransmitted segments the peer did not report as duplicates: segments that were (or may have been) lost. */
    long notReportedDuplicate() {
        return Math.max(0, retransmitted - reportedDuplicate);
    }

    @Override
    public String toString() {
        return String.format("%d retransmitted (%d tail loss probes), %d reported as duplicates by the peer",
                retransmitted, lossProbes, reportedDuplicate);
    }

    /** A counter of a /proc/net file whose sections are a header line and a value line with the same prefix. */
    private static long counter(String text, String prefix, String name) {
        List<String> lines = text.lines().filter(line -> line.startsWith(prefix)).toList();
        if (lines.size() != 2) {
            throw new AssertionError("no " + prefix + " header and value lines: " + text);
        }
        List<String> names = List.of(lines.get(0).trim().split("\\s+"));
        String[] values = lines.get(1).trim().split("\\s+");
        int column = names.indexOf(name);
        if (column < 0 || column >= values.length) {
            throw new AssertionError("no " + name + " in " + lines);
        }
        return Long.parseLong(values[column]);
    }
}
